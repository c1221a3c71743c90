// Command compose-check loads the project's compose files with the parsers that will read them, so a file
// that docker compose or faasd would refuse fails here first:
//
//	compose-check docker [--env-file FILE] [--profile NAME]... FILE...
//	    as `docker compose` does (compose-go v2): the env file is the only environment, profiles as given
//	compose-check faasd FILE
//	    as faasd 0.19.0 loads /var/lib/faasd/docker-compose.yaml (the compose-go version it vendors, with only
//	    ARCH_SUFFIX in the environment), then faasd's own rules: bind mounts only, depends_on names that exist,
//	    and no service that runs as a non-root user while it mounts a file of ./secrets (root-only files)
//
// It prints the services it found, or every problem, and exits 1 on a problem.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	loaderfaasd "github.com/compose-spec/compose-go/loader"
	typesfaasd "github.com/compose-spec/compose-go/types"
	"github.com/compose-spec/compose-go/v2/cli"
)

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	if len(os.Args) < 2 {
		fail("usage: compose-check docker [--env-file FILE] [--profile NAME]... FILE... | compose-check faasd FILE")
	}
	var problems []string
	var services []string
	switch os.Args[1] {
	case "docker":
		flags := flag.NewFlagSet("docker", flag.ExitOnError)
		envFile := flags.String("env-file", "", "the only environment (a .env file); none when empty")
		var profiles list
		flags.Var(&profiles, "profile", "a profile to enable (repeatable)")
		_ = flags.Parse(os.Args[2:])
		services, problems = checkDocker(flags.Args(), *envFile, profiles)
	case "faasd":
		if len(os.Args) != 3 {
			fail("usage: compose-check faasd FILE")
		}
		services, problems = checkFaasd(os.Args[2])
	default:
		fail("unknown mode " + os.Args[1] + "; use docker or faasd")
	}
	if len(problems) > 0 {
		for _, problem := range problems {
			fmt.Fprintln(os.Stderr, problem)
		}
		os.Exit(1)
	}
	fmt.Printf("ok: %d services: %s\n", len(services), strings.Join(services, ", "))
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, message)
	os.Exit(2)
}

func checkDocker(files []string, envFile string, profiles []string) ([]string, []string) {
	if len(files) == 0 {
		return nil, []string{"no compose file given"}
	}
	options := []cli.ProjectOptionsFn{cli.WithName("check"), cli.WithWorkingDirectory(filepath.Dir(files[0])), cli.WithProfiles(profiles)}
	if envFile != "" {
		options = append(options, cli.WithEnvFiles(envFile), cli.WithDotEnv)
	}
	opts, err := cli.NewProjectOptions(files, options...)
	if err != nil {
		return nil, []string{err.Error()}
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		return nil, []string{err.Error()}
	}
	return project.ServiceNames(), nil
}

func checkFaasd(file string) ([]string, []string) {
	text, err := os.ReadFile(file)
	if err != nil {
		return nil, []string{err.Error()}
	}
	parsed, err := loaderfaasd.ParseYAML(text)
	if err != nil {
		return nil, []string{fmt.Sprintf("%s: %v", file, err)}
	}
	config, err := loaderfaasd.Load(typesfaasd.ConfigDetails{
		WorkingDir:  filepath.Dir(file),
		ConfigFiles: []typesfaasd.ConfigFile{{Filename: file, Config: parsed}},
		Environment: map[string]string{"ARCH_SUFFIX": ""},
	})
	if err != nil {
		return nil, []string{fmt.Sprintf("%s: %v", file, err)}
	}
	var names, problems []string
	known := map[string]bool{}
	for _, service := range config.Services {
		known[service.Name] = true
		names = append(names, service.Name)
	}
	for _, service := range config.Services {
		if service.Image == "" {
			problems = append(problems, fmt.Sprintf("service %s has no image; faasd pulls and runs images only", service.Name))
		}
		for _, dependency := range service.DependsOn {
			if !known[dependency] {
				problems = append(problems, fmt.Sprintf("service %s depends on %s, which the file does not define", service.Name, dependency))
			}
		}
		for _, volume := range service.Volumes {
			if volume.Type != "bind" {
				problems = append(problems, fmt.Sprintf("service %s mounts %s as type %q; faasd supports bind mounts only (type: bind, source: ./folder)", service.Name, volume.Target, volume.Type))
				continue
			}
			relative := strings.TrimPrefix(filepath.ToSlash(volume.Source), filepath.ToSlash(filepath.Dir(file))+"/")
			if strings.HasPrefix(relative, "secrets/") && service.User != "" && !strings.HasPrefix(service.User, "0") && !strings.HasPrefix(service.User, "root") {
				problems = append(problems, fmt.Sprintf("service %s runs as user %q but mounts %s: faasd's secrets are root-only files (mode 0600), so it cannot read it; drop `user:` and let the image start as root and drop privileges itself", service.Name, service.User, relative))
			}
		}
	}
	sort.Strings(names)
	return names, problems
}
