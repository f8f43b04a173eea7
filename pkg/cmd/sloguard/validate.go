package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/sloguard/sloguard/pkg/slo"
)

func runValidate(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "the SLO config file (YAML)")
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	if *path == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: sloguard validate --config FILE")
		return exitError
	}
	cfg, diags, ok := loadConfig(*path, stderr)
	if !ok {
		return exitError
	}
	if diags.HasErrors() {
		fmt.Fprintf(stderr, "%s: invalid: %d errors, %d warnings\n", *path, len(diags.Errors()), len(diags.Warnings()))
		return exitInvalid
	}
	fmt.Fprintf(stdout, "%s: valid: %d services, %d SLOs, %d warnings\n", *path, len(cfg.Services), len(cfg.SLOs()), len(diags.Warnings()))
	return exitOK
}

// loadConfig reads and parses an SLO config file and prints its diagnostics to stderr. cfg
// holds every valid SLO even when diags has errors; ok is false when the file cannot be read
// (the reason is printed).
func loadConfig(path string, stderr io.Writer) (cfg *slo.Config, diags slo.Diagnostics, ok bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(stderr, "read SLO config: %v\n", err)
		return nil, nil, false
	}
	cfg, diags = slo.Parse(data)
	if cfg == nil {
		cfg = &slo.Config{}
	}
	printDiagnostics(stderr, path, diags)
	return cfg, diags, true
}

// printDiagnostics prints one "file:line:col: path: message" line per problem; warnings
// say so before the message.
func printDiagnostics(w io.Writer, path string, diags slo.Diagnostics) {
	for _, d := range diags {
		if d.Severity == slo.SeverityWarning {
			d.Message = "warning: " + d.Message
		}
		fmt.Fprintln(w, d.In(path))
	}
}
