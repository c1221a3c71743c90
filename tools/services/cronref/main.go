// Command cronref reads schedules exactly as the OpenFaaS cron-connector does, so tests can hold the
// platform's own schedule parser (shared/platform/cron) against it.
//
// openfaas/cron-connector 0.7.0 (types/scheduler.go) parses every `schedule` annotation with
// robfig/cron v3.0.1's NewParser(Minute | Hour | Dom | Month | Dow | Descriptor) and runs it in the
// container's local zone, which is UTC. cronref uses the same module version and options. It reads one
// JSON request per line on stdin — {"schedule": "...", "from": RFC 3339 time, "count": n} — and answers
// one line each: whether the connector accepts the schedule, its error, and the next n firings after
// `from`, in UTC (fewer when the rule stops matching, none when it never matches).
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"time"

	cron "github.com/robfig/cron/v3"
)

// The cron-connector's parser, option for option.
var connectorParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

type request struct {
	Schedule string `json:"schedule"`
	From     string `json:"from"`
	Count    int    `json:"count"`
}

type answer struct {
	Accepted bool     `json:"accepted"`
	Error    string   `json:"error,omitempty"`
	Next     []string `json:"next"`
}

func read(req request) (ans answer) {
	ans.Next = []string{}
	// A `TZ=` prefix without a space makes robfig/cron panic (and the connector with it): not accepted.
	defer func() {
		if r := recover(); r != nil {
			ans = answer{Error: fmt.Sprint("panic: ", r), Next: []string{}}
		}
	}()
	schedule, err := connectorParser.Parse(req.Schedule)
	if err != nil {
		ans.Error = err.Error()
		return ans
	}
	ans.Accepted = true
	at, err := time.Parse(time.RFC3339Nano, req.From)
	if err != nil {
		ans.Error = err.Error()
		return ans
	}
	for i := 0; i < req.Count; i++ {
		at = schedule.Next(at)
		if at.IsZero() {
			break
		}
		ans.Next = append(ans.Next, at.UTC().Format(time.RFC3339Nano))
	}
	return ans
}

func main() {
	// The connector's container has no zone configured: its local time is UTC.
	time.Local = time.UTC
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	encoder := json.NewEncoder(out)
	for in.Scan() {
		var req request
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			fmt.Fprintf(os.Stderr, "cronref: bad request %q: %v\n", in.Text(), err)
			os.Exit(2)
		}
		if err := encoder.Encode(read(req)); err != nil {
			fmt.Fprintf(os.Stderr, "cronref: %v\n", err)
			os.Exit(1)
		}
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintf(os.Stderr, "cronref: %v\n", err)
		os.Exit(1)
	}
}
