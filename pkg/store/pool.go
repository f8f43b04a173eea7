// Package store is SLOGuard's PostgreSQL layer: the connection pool, the plugin schema's
// migrations, the log-table checks, the SLI counts and rollups, and the detection state
// (alerts, their history, the notification outbox and incidents).
package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// PoolConfig says how to reach PostgreSQL. Password is a secret: it is set on the parsed
// configuration directly and never travels through a connection string that an error could
// quote.
type PoolConfig struct {
	Host     string
	Port     int
	Database string
	User     string
	Password string
	SSLMode  string
	// MaxConns caps the pool; 0 keeps pgxpool's default.
	MaxConns int32
	// ConnectTimeout bounds establishing one connection.
	ConnectTimeout time.Duration
	// StatementTimeout is set as the server-side statement_timeout of every connection.
	StatementTimeout time.Duration
}

// ApplicationName is what SLOGuard's connections show in pg_stat_activity.
const ApplicationName = "sloguard"

// NewPool builds a pool from cfg. It does not connect: pgxpool connects lazily, so callers
// that need to know the database is reachable call Ping.
func NewPool(ctx context.Context, cfg PoolConfig) (*pgxpool.Pool, error) {
	pc, err := pgxpool.ParseConfig(keywordValue([][2]string{
		{"host", cfg.Host},
		{"port", strconv.Itoa(cfg.Port)},
		{"dbname", cfg.Database},
		{"user", cfg.User},
		{"sslmode", cfg.SSLMode},
	}))
	if err != nil {
		return nil, fmt.Errorf("postgres settings: %w", err)
	}
	pc.ConnConfig.Password = cfg.Password
	pc.ConnConfig.ConnectTimeout = cfg.ConnectTimeout
	setSessionParams(pc)
	if cfg.StatementTimeout > 0 {
		pc.ConnConfig.RuntimeParams["statement_timeout"] = strconv.FormatInt(cfg.StatementTimeout.Milliseconds(), 10)
	}
	if cfg.MaxConns > 0 {
		pc.MaxConns = cfg.MaxConns
	}
	return pgxpool.NewWithConfig(ctx, pc)
}

// OpenURL builds a pool from a PostgreSQL URL or keyword/value string (the command line's
// --dsn), with the same session settings as NewPool.
func OpenURL(ctx context.Context, url string) (*pgxpool.Pool, error) {
	pc, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database URL: %w", err)
	}
	setSessionParams(pc)
	return pgxpool.NewWithConfig(ctx, pc)
}

// setSessionParams names SLOGuard's sessions and makes them UTC: log tables may use
// timestamp without time zone, read as UTC, never as the server's local time, and rollup
// minutes are UTC minutes.
func setSessionParams(pc *pgxpool.Config) {
	pc.ConnConfig.RuntimeParams["application_name"] = ApplicationName
	pc.ConnConfig.RuntimeParams["timezone"] = "UTC"
}

// keywordValue renders libpq keyword/value settings, quoting every value so that spaces,
// quotes and backslashes in a host or user name cannot change the meaning of the string.
func keywordValue(pairs [][2]string) string {
	var out []byte
	for _, kv := range pairs {
		k, v := kv[0], kv[1]
		if v == "" {
			continue
		}
		out = append(out, k...)
		out = append(out, "='"...)
		for i := 0; i < len(v); i++ {
			if v[i] == '\'' || v[i] == '\\' {
				out = append(out, '\\')
			}
			out = append(out, v[i])
		}
		out = append(out, "' "...)
	}
	return string(out)
}

// String describes the connection without the password.
func (c PoolConfig) String() string {
	pw := "unset"
	if c.Password != "" {
		pw = "set"
	}
	return fmt.Sprintf("postgres %s:%d database=%s user=%s sslmode=%s password=%s", c.Host, c.Port, c.Database, c.User, c.SSLMode, pw)
}

// GoString keeps the password out of %#v as well.
func (c PoolConfig) GoString() string { return c.String() }
