package plugin

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/sloguard/sloguard/pkg/slo"
)

// ErrNoSLOConfig says that neither inline YAML nor a file path is set.
var ErrNoSLOConfig = errors.New("no SLO config: set jsonData.sloConfig (inline YAML) or jsonData.sloConfigPath (a file on the Grafana server)")

// loadedConfig is one parse of the SLO config.
type loadedConfig struct {
	cfg   *slo.Config     // every valid SLO; nil when the source could not be read or parsed
	diags slo.Diagnostics // errors and warnings with their paths
	err   error           // the source could not be read
}

// configSource gives the current SLO config. Inline YAML is parsed once; a file is parsed
// again when its modification time or size changes, so editing the file needs no restart.
type configSource struct {
	inline string
	path   string

	mu      sync.Mutex
	modTime time.Time
	size    int64
	last    loadedConfig
	read    bool
}

func newConfigSource(inline, path string) *configSource {
	c := &configSource{inline: inline, path: path}
	if path == "" {
		c.last = parseConfig([]byte(inline))
		c.read = true
	}
	return c
}

func parseConfig(data []byte) loadedConfig {
	if strings.TrimSpace(string(data)) == "" {
		return loadedConfig{err: ErrNoSLOConfig}
	}
	cfg, diags := slo.Parse(data)
	return loadedConfig{cfg: cfg, diags: diags}
}

// load returns the current config, re-reading the file when it changed on disk.
func (c *configSource) load() loadedConfig {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.path == "" {
		return c.last
	}
	fi, err := os.Stat(c.path)
	if err != nil {
		c.read = false
		return loadedConfig{err: fmt.Errorf("SLO config file %s: %w", c.path, errors.Unwrap(err))}
	}
	if c.read && fi.ModTime().Equal(c.modTime) && fi.Size() == c.size {
		return c.last
	}
	data, err := os.ReadFile(c.path)
	if err != nil {
		return loadedConfig{err: fmt.Errorf("SLO config file %s: %w", c.path, errors.Unwrap(err))}
	}
	c.last, c.modTime, c.size, c.read = parseConfig(data), fi.ModTime(), fi.Size(), true
	return c.last
}
