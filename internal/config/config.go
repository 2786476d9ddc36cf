// Package config holds Samvirke's settings: defaults, reading them from the
// environment (SAMVIRKE_…, with …_FILE variants for secrets) and validating
// them so that a bad setting ends the program with one line that names it.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samvirke/samvirke/internal/db"
)

// Config is every setting of the program. The zero value is not useful; use
// Default or FromEnv.
type Config struct {
	Addr              string        // SAMVIRKE_ADDR
	MetricsAddr       string        // SAMVIRKE_METRICS_ADDR; "" = /metrics not served
	DataDir           string        // SAMVIRKE_DATA_DIR
	DatabaseURL       string        // SAMVIRKE_DATABASE_URL; "" = SQLite in DataDir
	MigrateURL        string        // SAMVIRKE_MIGRATE_DATABASE_URL; "" = DatabaseURL
	AutoMigrate       bool          // SAMVIRKE_AUTO_MIGRATE
	RedisURL          string        // SAMVIRKE_REDIS_URL; "" = embedded server
	BaseURL           string        // SAMVIRKE_BASE_URL
	SecretKey         string        // SAMVIRKE_SECRET_KEY(_FILE); "" = generated in DataDir
	Demo              bool          // SAMVIRKE_DEMO
	DemoPassword      string        // SAMVIRKE_DEMO_PASSWORD(_FILE)
	TenantsDir        string        // SAMVIRKE_TENANTS_DIR
	SMTPHost          string        // SAMVIRKE_SMTP_HOST; "" = e-mail is logged, not sent
	SMTPPort          int           // SAMVIRKE_SMTP_PORT
	SMTPUsername      string        // SAMVIRKE_SMTP_USERNAME
	SMTPPassword      string        // SAMVIRKE_SMTP_PASSWORD(_FILE)
	SMTPTLS           string        // SAMVIRKE_SMTP_TLS: none, starttls, tls
	MailFrom          string        // SAMVIRKE_MAIL_FROM
	StripeSecretKey   string        // SAMVIRKE_STRIPE_SECRET_KEY(_FILE)
	StripeWebhookKey  string        // SAMVIRKE_STRIPE_WEBHOOK_SECRET(_FILE)
	StripeAPIBase     string        // SAMVIRKE_STRIPE_API_BASE
	BillingPlans      string        // SAMVIRKE_BILLING_PLANS: the billing configuration file (plans, prices, seller)
	AccessPointToken  string        // SAMVIRKE_BILLING_ACCESS_POINT_TOKEN(_FILE): the Peppol access point's bearer token
	LogLevel          string        // SAMVIRKE_LOG_LEVEL
	LogFormat         string        // SAMVIRKE_LOG_FORMAT
	TrustedProxies    []string      // SAMVIRKE_TRUSTED_PROXIES
	Operators         []string      // SAMVIRKE_OPERATORS: e-mail addresses of the platform's operators (/ops)
	SSOAllowNetworks  []string      // SAMVIRKE_SSO_ALLOW_PRIVATE_NETWORKS: internal ranges SSO providers may use
	WorkerConcurrency int           // SAMVIRKE_WORKER_CONCURRENCY
	ActiveRequests    int           // SAMVIRKE_ACTIVE_REQUESTS: requests computing at once (0: four a core; negative: no limit)
	ShutdownTimeout   time.Duration // SAMVIRKE_SHUTDOWN_TIMEOUT
	DevAssets         bool          // SAMVIRKE_DEV_ASSETS: read web/ from disk
	FilesS3           FilesS3       // SAMVIRKE_FILES_S3_*; no endpoint = files kept in DataDir/files
}

// FilesS3 is the S3-compatible bucket (MinIO, Ceph, AWS …) uploaded files
// are kept in when Endpoint is set, so that several web processes share
// them; without it they are kept in the data directory.
type FilesS3 struct {
	Endpoint  string // SAMVIRKE_FILES_S3_ENDPOINT: host[:port]
	Bucket    string // SAMVIRKE_FILES_S3_BUCKET
	AccessKey string // SAMVIRKE_FILES_S3_ACCESS_KEY(_FILE)
	SecretKey string // SAMVIRKE_FILES_S3_SECRET_KEY(_FILE)
	Region    string // SAMVIRKE_FILES_S3_REGION; "" = asked of the server
	UseTLS    bool   // SAMVIRKE_FILES_S3_USE_TLS, default true
}

// Default returns the settings of the embedded default: SQLite and an
// in-process Redis-compatible server under ./data, demo tenants loaded.
func Default() Config {
	return Config{
		Addr:              "127.0.0.1:8080",
		DataDir:           "./data",
		TenantsDir:        "./tenants",
		SMTPPort:          587,
		SMTPTLS:           "starttls",
		MailFrom:          "Samvirke <no-reply@samvirke.localhost>",
		LogLevel:          "info",
		LogFormat:         "text",
		WorkerConcurrency: 10,
		ShutdownTimeout:   15 * time.Second,
		FilesS3:           FilesS3{UseTLS: true},
	}
}

// Env is the environment to read from; os.LookupEnv in production, a map in
// tests.
type Env func(key string) (string, bool)

// FromEnv reads the settings from env on top of Default. Problems with
// individual values are collected and returned together by Validate; FromEnv
// itself only fails for unreadable _FILE secrets.
func FromEnv(env Env) (Config, error) {
	c := Default()
	var errs []error
	str := func(key string, dst *string) {
		if v, ok := env(key); ok && v != "" {
			*dst = v
		}
	}
	secret := func(key string, dst *string) {
		str(key, dst)
		if p, ok := env(key + "_FILE"); ok && p != "" {
			b, err := os.ReadFile(p)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s_FILE: cannot read %s: %v; point it at a readable file", key, p, err))
				return
			}
			*dst = strings.TrimSpace(string(b))
		}
	}
	boolean := func(key string, dst *bool) {
		if v, ok := env(key); ok && v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %q is not a boolean; use true or false", key, v))
				return
			}
			*dst = b
		}
	}
	integer := func(key string, dst *int) {
		if v, ok := env(key); ok && v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %q is not a whole number", key, v))
				return
			}
			*dst = n
		}
	}
	str("SAMVIRKE_ADDR", &c.Addr)
	str("SAMVIRKE_METRICS_ADDR", &c.MetricsAddr)
	str("SAMVIRKE_DATA_DIR", &c.DataDir)
	str("SAMVIRKE_DATABASE_URL", &c.DatabaseURL)
	str("SAMVIRKE_MIGRATE_DATABASE_URL", &c.MigrateURL)
	str("SAMVIRKE_REDIS_URL", &c.RedisURL)
	str("SAMVIRKE_BASE_URL", &c.BaseURL)
	secret("SAMVIRKE_SECRET_KEY", &c.SecretKey)
	secret("SAMVIRKE_DEMO_PASSWORD", &c.DemoPassword)
	str("SAMVIRKE_TENANTS_DIR", &c.TenantsDir)
	str("SAMVIRKE_SMTP_HOST", &c.SMTPHost)
	integer("SAMVIRKE_SMTP_PORT", &c.SMTPPort)
	str("SAMVIRKE_SMTP_USERNAME", &c.SMTPUsername)
	secret("SAMVIRKE_SMTP_PASSWORD", &c.SMTPPassword)
	str("SAMVIRKE_SMTP_TLS", &c.SMTPTLS)
	str("SAMVIRKE_MAIL_FROM", &c.MailFrom)
	secret("SAMVIRKE_STRIPE_SECRET_KEY", &c.StripeSecretKey)
	secret("SAMVIRKE_STRIPE_WEBHOOK_SECRET", &c.StripeWebhookKey)
	str("SAMVIRKE_STRIPE_API_BASE", &c.StripeAPIBase)
	str("SAMVIRKE_BILLING_PLANS", &c.BillingPlans)
	secret("SAMVIRKE_BILLING_ACCESS_POINT_TOKEN", &c.AccessPointToken)
	str("SAMVIRKE_LOG_LEVEL", &c.LogLevel)
	str("SAMVIRKE_LOG_FORMAT", &c.LogFormat)
	integer("SAMVIRKE_WORKER_CONCURRENCY", &c.WorkerConcurrency)
	integer("SAMVIRKE_ACTIVE_REQUESTS", &c.ActiveRequests)
	boolean("SAMVIRKE_DEV_ASSETS", &c.DevAssets)
	str("SAMVIRKE_FILES_S3_ENDPOINT", &c.FilesS3.Endpoint)
	str("SAMVIRKE_FILES_S3_BUCKET", &c.FilesS3.Bucket)
	secret("SAMVIRKE_FILES_S3_ACCESS_KEY", &c.FilesS3.AccessKey)
	secret("SAMVIRKE_FILES_S3_SECRET_KEY", &c.FilesS3.SecretKey)
	str("SAMVIRKE_FILES_S3_REGION", &c.FilesS3.Region)
	boolean("SAMVIRKE_FILES_S3_USE_TLS", &c.FilesS3.UseTLS)
	list := func(key string, dst *[]string) {
		if v, ok := env(key); ok && v != "" {
			for _, p := range strings.Split(v, ",") {
				if p = strings.TrimSpace(p); p != "" {
					*dst = append(*dst, p)
				}
			}
		}
	}
	list("SAMVIRKE_TRUSTED_PROXIES", &c.TrustedProxies)
	list("SAMVIRKE_OPERATORS", &c.Operators)
	list("SAMVIRKE_SSO_ALLOW_PRIVATE_NETWORKS", &c.SSOAllowNetworks)
	if v, ok := env("SAMVIRKE_SHUTDOWN_TIMEOUT"); ok && v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("SAMVIRKE_SHUTDOWN_TIMEOUT: %q is not a duration; use for example 15s", v))
		} else {
			c.ShutdownTimeout = d
		}
	}
	// The embedded default migrates itself and loads the demo tenants;
	// a production database does neither unless asked.
	embedded := c.DatabaseURL == ""
	c.AutoMigrate = embedded
	c.Demo = embedded
	boolean("SAMVIRKE_AUTO_MIGRATE", &c.AutoMigrate)
	boolean("SAMVIRKE_DEMO", &c.Demo)
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	return c, errors.Join(errs...)
}

// Embedded reports whether the database is the embedded SQLite file.
func (c Config) Embedded() bool { return c.Dialect() == db.SQLite }

// EmbeddedRedis reports whether the in-process Redis-compatible server is used.
func (c Config) EmbeddedRedis() bool { return c.RedisURL == "" }

// Dialect answers db.Postgres or db.SQLite from the database URL.
func (c Config) Dialect() string { return db.DialectOf(c.DatabaseURL) }

// SQLitePath is the database file of the embedded default.
func (c Config) SQLitePath() string {
	u := c.DatabaseURL
	switch {
	case u == "":
		return filepath.Join(c.DataDir, "samvirke.db")
	case strings.HasPrefix(u, "sqlite://"):
		return strings.TrimPrefix(u, "sqlite://")
	case strings.HasPrefix(u, "file:"):
		return strings.TrimPrefix(u, "file:")
	}
	return u
}

// MigrationURL is the connection used to change the schema.
func (c Config) MigrationURL() string {
	if c.MigrateURL != "" {
		return c.MigrateURL
	}
	return c.DatabaseURL
}

// Validate reports every problem of c at once, one line each, naming the
// setting and what to do about it.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if _, port, err := net.SplitHostPort(c.Addr); err != nil {
		bad("SAMVIRKE_ADDR: %q is not host:port; use for example 127.0.0.1:8080", c.Addr)
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		bad("SAMVIRKE_ADDR: port %q is not a number between 0 and 65535", port)
	}
	if c.MetricsAddr != "" {
		if _, port, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			bad("SAMVIRKE_METRICS_ADDR: %q is not host:port; use for example 127.0.0.1:9090, or leave it empty to serve no metrics", c.MetricsAddr)
		} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
			bad("SAMVIRKE_METRICS_ADDR: port %q is not a number between 0 and 65535", port)
		} else if c.MetricsAddr == c.Addr && n != 0 {
			bad("SAMVIRKE_METRICS_ADDR: must differ from SAMVIRKE_ADDR: metrics are never served on the public port")
		}
	}
	if c.DataDir == "" {
		bad("SAMVIRKE_DATA_DIR: must not be empty; leave it unset for ./data")
	}
	checkDB := func(key, raw string) {
		if raw == "" {
			return
		}
		switch {
		case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
			u, err := url.Parse(raw)
			if err != nil {
				bad("%s: malformed PostgreSQL URL (%v); use postgres://USER@HOST:5432/DATABASE", key, urlErr(err))
				return
			}
			if u.Host == "" || strings.Trim(u.Path, "/") == "" {
				bad("%s: %q lacks a host or database name; use postgres://USER@HOST:5432/DATABASE", key, redact(u))
			}
		case strings.HasPrefix(raw, "sqlite://"), strings.HasPrefix(raw, "file:"):
		default:
			bad("%s: %q is neither postgres://… nor sqlite://…; leave it empty for the embedded SQLite database", key, Redact(raw))
		}
	}
	checkDB("SAMVIRKE_DATABASE_URL", c.DatabaseURL)
	checkDB("SAMVIRKE_MIGRATE_DATABASE_URL", c.MigrateURL)
	if c.MigrateURL != "" && c.DatabaseURL != "" && db.DialectOf(c.MigrateURL) != db.DialectOf(c.DatabaseURL) {
		bad("SAMVIRKE_MIGRATE_DATABASE_URL: must point at the same kind of database as SAMVIRKE_DATABASE_URL")
	}
	if c.RedisURL != "" {
		u, err := url.Parse(c.RedisURL)
		switch {
		case err != nil:
			bad("SAMVIRKE_REDIS_URL: malformed URL (%v); use redis://HOST:6379/0 or leave it empty for the embedded server", urlErr(err))
		case u.Scheme != "redis" && u.Scheme != "rediss":
			bad("SAMVIRKE_REDIS_URL: scheme %q is not redis or rediss; use redis://HOST:6379/0", u.Scheme)
		case u.Host == "":
			bad("SAMVIRKE_REDIS_URL: no host; use redis://HOST:6379/0")
		}
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("SAMVIRKE_BASE_URL: %q is not an http(s) URL; use the address users type, e.g. https://samvirke.example.org", c.BaseURL)
	}
	if c.SecretKey != "" && len(c.SecretKey) < 32 {
		bad("SAMVIRKE_SECRET_KEY: too short (%d characters); use at least 32 random characters, e.g. from `openssl rand -hex 32`", len(c.SecretKey))
	}
	switch c.SMTPTLS {
	case "none", "starttls", "tls":
	default:
		bad("SAMVIRKE_SMTP_TLS: %q is not one of none, starttls, tls", c.SMTPTLS)
	}
	if c.SMTPPort <= 0 || c.SMTPPort > 65535 {
		bad("SAMVIRKE_SMTP_PORT: %d is not a port number", c.SMTPPort)
	}
	// Billing needs all three settings; some of them alone is a mistake.
	billing := []struct{ name, v string }{{"SAMVIRKE_STRIPE_SECRET_KEY", c.StripeSecretKey}, {"SAMVIRKE_STRIPE_WEBHOOK_SECRET", c.StripeWebhookKey}, {"SAMVIRKE_BILLING_PLANS", c.BillingPlans}}
	if set := slices.IndexFunc(billing, func(b struct{ name, v string }) bool { return b.v != "" }); set >= 0 {
		if missing := slices.IndexFunc(billing, func(b struct{ name, v string }) bool { return b.v == "" }); missing >= 0 {
			bad("%s: billing needs it as well as %s; set it, or unset the billing settings to run without billing", billing[missing].name, billing[set].name)
		}
	}
	if c.StripeAPIBase != "" {
		if u, err := url.Parse(c.StripeAPIBase); err != nil || u.Host == "" {
			bad("SAMVIRKE_STRIPE_API_BASE: %q is not a URL", c.StripeAPIBase)
		}
	}
	switch strings.ToLower(c.LogLevel) {
	case "debug", "info", "warn", "error":
	default:
		bad("SAMVIRKE_LOG_LEVEL: %q is not one of debug, info, warn, error", c.LogLevel)
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		bad("SAMVIRKE_LOG_FORMAT: %q is not text or json", c.LogFormat)
	}
	for _, p := range c.TrustedProxies {
		if _, err := netip.ParsePrefix(p); err != nil {
			if _, err := netip.ParseAddr(p); err != nil {
				bad("SAMVIRKE_TRUSTED_PROXIES: %q is not an IP address or CIDR range", p)
			}
		}
	}
	for _, p := range c.SSOAllowNetworks {
		if _, err := parsePrefix(p); err != nil {
			bad("SAMVIRKE_SSO_ALLOW_PRIVATE_NETWORKS: %q is not an IP address or CIDR range; use for example 10.20.0.0/16, or 127.0.0.0/8,::1/128 for a provider on this machine", p)
		}
	}
	errs = append(errs, c.FilesS3.validate()...)
	if c.WorkerConcurrency < 1 {
		bad("SAMVIRKE_WORKER_CONCURRENCY: must be at least 1")
	}
	if c.ShutdownTimeout <= 0 {
		bad("SAMVIRKE_SHUTDOWN_TIMEOUT: must be positive")
	}
	return errors.Join(errs...)
}

// bucketName is an S3 bucket name as every S3-compatible store accepts it.
var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

func (s FilesS3) validate() []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if s.Endpoint == "" {
		if s.Bucket != "" || s.AccessKey != "" || s.SecretKey != "" || s.Region != "" {
			bad("SAMVIRKE_FILES_S3_ENDPOINT: not set, but other SAMVIRKE_FILES_S3_* settings are; set it (host:port of the object store) or unset them to keep files in the data directory")
		}
		return errs
	}
	if strings.Contains(s.Endpoint, "/") {
		bad("SAMVIRKE_FILES_S3_ENDPOINT: %q is not host[:port]; write it without scheme or path, e.g. minio:9000, and choose TLS with SAMVIRKE_FILES_S3_USE_TLS", s.Endpoint)
	} else if _, port, err := net.SplitHostPort(s.Endpoint); err == nil {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			bad("SAMVIRKE_FILES_S3_ENDPOINT: port %q is not a number between 1 and 65535", port)
		}
	}
	if !bucketName.MatchString(s.Bucket) {
		bad("SAMVIRKE_FILES_S3_BUCKET: %q is not a bucket name; use 3 to 63 lower-case letters, digits, dots and hyphens, e.g. samvirke-files", s.Bucket)
	}
	if s.AccessKey == "" {
		bad("SAMVIRKE_FILES_S3_ACCESS_KEY: needed with SAMVIRKE_FILES_S3_ENDPOINT (or _FILE naming a file that holds it)")
	}
	if s.SecretKey == "" {
		bad("SAMVIRKE_FILES_S3_SECRET_KEY: needed with SAMVIRKE_FILES_S3_ENDPOINT (or _FILE naming a file that holds it)")
	}
	return errs
}

// SSOAllowedNetworks answers SSOAllowNetworks as ranges (an address is a
// range of one); entries Validate refuses are left out.
func (c Config) SSOAllowedNetworks() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range c.SSOAllowNetworks {
		if p, err := parsePrefix(s); err == nil {
			out = append(out, p)
		}
	}
	return out
}

func parsePrefix(s string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// urlErr strips the URL (which may hold a password) from a url.Error.
func urlErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func redact(u *url.URL) string { return u.Redacted() }

// Redact returns raw with any password replaced, for logs and messages.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}
