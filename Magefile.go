//go:build mage

// Magefile builds the SLOGuard backend with the Grafana plugin SDK's build targets
// (build:linux, build:backend, buildAll, test, coverage, lint, ...). The manifest is the
// repository-root plugin.json, not the SDK's default src/plugin.json.
package main

import (
	// mage:import
	"github.com/grafana/grafana-plugin-sdk-go/build"
)

func init() {
	_ = build.SetBeforeBuildCallback(func(cfg build.Config) (build.Config, error) {
		cfg.PluginJSONPath = "."
		return cfg, nil
	})
}

// Default configures the default target.
var Default = build.BuildAll
