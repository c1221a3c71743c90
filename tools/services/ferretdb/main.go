// Command ferretdb serves the MongoDB wire protocol for local runs and tests.
//
// It embeds FerretDB 1.24 instead of installing its cmd/ferretdb, because that
// command refuses to start when built outside FerretDB's own release tooling
// (it reads a version file that the module proxy's copy does not carry).
// It runs the PostgreSQL backend only, as deployed on faasd: the documents live
// in a Postgres database and clients log in with PLAIN auth, their credentials
// passed on to Postgres. The embedded server never reports telemetry.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:27117", "TCP address to listen on")
	postgresURL := flag.String("postgresql-url", "", "PostgreSQL URL of the database holding the documents (postgres://host:port/ferretdb)")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: --log-level %q: %v\n", *logLevel, err)
		os.Exit(2)
	}
	if *postgresURL == "" {
		fmt.Fprintln(os.Stderr, "ferretdb: --postgresql-url is required (postgres://host:port/ferretdb)")
		os.Exit(2)
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	server, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: *listen},
		Logger:        logger,
		Handler:       "postgresql",
		PostgreSQLURL: *postgresURL,
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	logger.Info("listening", "addr", *listen, "handler", "postgresql")
	if err := server.Run(ctx); err != nil && ctx.Err() == nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}
}
