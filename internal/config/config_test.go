package config_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/config"
)

// mapEnv is an environment backed by a map.
func mapEnv(m map[string]string) config.Env {
	return func(key string) (string, bool) {
		v, ok := m[key]
		return v, ok
	}
}

// mustFromEnv reads a configuration that is expected to load.
func mustFromEnv(t *testing.T, m map[string]string) config.Config {
	t.Helper()
	c, err := config.FromEnv(mapEnv(m))
	if err != nil {
		t.Fatalf("FromEnv(%v): %v", m, err)
	}
	return c
}

func TestFromEnvDefaults(t *testing.T) {
	t.Parallel()
	c := mustFromEnv(t, nil)
	if c.Addr != "127.0.0.1:8080" {
		t.Errorf("Addr = %q, want 127.0.0.1:8080", c.Addr)
	}
	if c.DataDir != "./data" {
		t.Errorf("DataDir = %q, want ./data", c.DataDir)
	}
	if c.BaseURL != "http://127.0.0.1:8080" {
		t.Errorf("BaseURL = %q, want http://127.0.0.1:8080", c.BaseURL)
	}
	if !c.Embedded() || !c.EmbeddedRedis() {
		t.Errorf("Embedded() = %v, EmbeddedRedis() = %v; want both true", c.Embedded(), c.EmbeddedRedis())
	}
	if err := c.Validate(); err != nil {
		t.Errorf("the defaults do not validate: %v", err)
	}
}

func TestFromEnvMigrateAndDemo(t *testing.T) {
	t.Parallel()
	const pg = "postgres://samvirke@db.example:5432/samvirke"
	tests := []struct {
		name        string
		env         map[string]string
		autoMigrate bool
		demo        bool
	}{
		{"embedded database", nil, true, true},
		{"postgres", map[string]string{"SAMVIRKE_DATABASE_URL": pg}, false, false},
		{"postgres with auto-migrate", map[string]string{"SAMVIRKE_DATABASE_URL": pg, "SAMVIRKE_AUTO_MIGRATE": "true"}, true, false},
		{"postgres with demo", map[string]string{"SAMVIRKE_DATABASE_URL": pg, "SAMVIRKE_DEMO": "true"}, false, true},
		{"embedded without demo", map[string]string{"SAMVIRKE_DEMO": "false"}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := mustFromEnv(t, tt.env)
			if c.AutoMigrate != tt.autoMigrate || c.Demo != tt.demo {
				t.Errorf("AutoMigrate = %v, Demo = %v; want %v, %v", c.AutoMigrate, c.Demo, tt.autoMigrate, tt.demo)
			}
		})
	}
}

func TestFromEnvSecretFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	key := strings.Repeat("k", 40)
	path := filepath.Join(dir, "secret")
	if err := os.WriteFile(path, []byte(key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	t.Run("readable file", func(t *testing.T) {
		t.Parallel()
		c := mustFromEnv(t, map[string]string{"SAMVIRKE_SECRET_KEY_FILE": path})
		if c.SecretKey != key {
			t.Errorf("SecretKey = %q, want the file's content without the newline %q", c.SecretKey, key)
		}
	})
	t.Run("unreadable file", func(t *testing.T) {
		t.Parallel()
		missing := filepath.Join(dir, "missing")
		_, err := config.FromEnv(mapEnv(map[string]string{"SAMVIRKE_SECRET_KEY_FILE": missing}))
		if err == nil {
			t.Fatal("FromEnv succeeded with an unreadable SAMVIRKE_SECRET_KEY_FILE")
		}
		if !strings.Contains(err.Error(), "SAMVIRKE_SECRET_KEY_FILE") || !strings.Contains(err.Error(), missing) {
			t.Errorf("error %q does not name SAMVIRKE_SECRET_KEY_FILE and the path", err)
		}
	})
}

func TestFromEnvTrustedProxies(t *testing.T) {
	t.Parallel()
	c := mustFromEnv(t, map[string]string{"SAMVIRKE_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.1,,fd00::/8 "})
	want := []string{"10.0.0.0/8", "192.168.1.1", "fd00::/8"}
	if !slices.Equal(c.TrustedProxies, want) {
		t.Errorf("TrustedProxies = %q, want %q", c.TrustedProxies, want)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("valid proxies rejected: %v", err)
	}
}

func TestValidateNamesTheSetting(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     map[string]string
		setting string
	}{
		{"malformed postgres URL", map[string]string{"SAMVIRKE_DATABASE_URL": "postgres://%zz"}, "SAMVIRKE_DATABASE_URL"},
		{"unknown database scheme", map[string]string{"SAMVIRKE_DATABASE_URL": "mysql://x"}, "SAMVIRKE_DATABASE_URL"},
		{"postgres without database", map[string]string{"SAMVIRKE_DATABASE_URL": "postgres://db.example:5432"}, "SAMVIRKE_DATABASE_URL"},
		{"migrate URL of another kind", map[string]string{
			"SAMVIRKE_DATABASE_URL":         "postgres://db.example/samvirke",
			"SAMVIRKE_MIGRATE_DATABASE_URL": "sqlite:///tmp/x.db",
		}, "SAMVIRKE_MIGRATE_DATABASE_URL"},
		{"redis URL with http scheme", map[string]string{"SAMVIRKE_REDIS_URL": "http://cache:6379"}, "SAMVIRKE_REDIS_URL"},
		{"address without port", map[string]string{"SAMVIRKE_ADDR": "localhost"}, "SAMVIRKE_ADDR"},
		{"address with port out of range", map[string]string{"SAMVIRKE_ADDR": "127.0.0.1:99999"}, "SAMVIRKE_ADDR"},
		{"bad log level", map[string]string{"SAMVIRKE_LOG_LEVEL": "verbose"}, "SAMVIRKE_LOG_LEVEL"},
		{"bad log format", map[string]string{"SAMVIRKE_LOG_FORMAT": "xml"}, "SAMVIRKE_LOG_FORMAT"},
		{"short secret key", map[string]string{"SAMVIRKE_SECRET_KEY": "tooshort"}, "SAMVIRKE_SECRET_KEY"},
		{"bad trusted proxy", map[string]string{"SAMVIRKE_TRUSTED_PROXIES": "10.0.0.0/8,proxy.example"}, "SAMVIRKE_TRUSTED_PROXIES"},
		{"bad SMTP TLS", map[string]string{"SAMVIRKE_SMTP_TLS": "ssl"}, "SAMVIRKE_SMTP_TLS"},
		{"SMTP port out of range", map[string]string{"SAMVIRKE_SMTP_PORT": "70000"}, "SAMVIRKE_SMTP_PORT"},
		{"base URL without scheme", map[string]string{"SAMVIRKE_BASE_URL": "samvirke.example.org"}, "SAMVIRKE_BASE_URL"},
		{"no workers", map[string]string{"SAMVIRKE_WORKER_CONCURRENCY": "0"}, "SAMVIRKE_WORKER_CONCURRENCY"},
		{"S3 bucket without endpoint", map[string]string{"SAMVIRKE_FILES_S3_BUCKET": "files"}, "SAMVIRKE_FILES_S3_ENDPOINT"},
		{"S3 endpoint as URL", map[string]string{"SAMVIRKE_FILES_S3_ENDPOINT": "https://minio:9000", "SAMVIRKE_FILES_S3_BUCKET": "files", "SAMVIRKE_FILES_S3_ACCESS_KEY": "a", "SAMVIRKE_FILES_S3_SECRET_KEY": "s"}, "SAMVIRKE_FILES_S3_ENDPOINT"},
		{"S3 bad bucket name", map[string]string{"SAMVIRKE_FILES_S3_ENDPOINT": "minio:9000", "SAMVIRKE_FILES_S3_BUCKET": "Samvirke_Files", "SAMVIRKE_FILES_S3_ACCESS_KEY": "a", "SAMVIRKE_FILES_S3_SECRET_KEY": "s"}, "SAMVIRKE_FILES_S3_BUCKET"},
		{"Stripe keys without the billing plans", map[string]string{"SAMVIRKE_STRIPE_SECRET_KEY": "sk_live_x", "SAMVIRKE_STRIPE_WEBHOOK_SECRET": "whsec_x"}, "SAMVIRKE_BILLING_PLANS"},
		{"billing plans without a webhook secret", map[string]string{"SAMVIRKE_STRIPE_SECRET_KEY": "sk_live_x", "SAMVIRKE_BILLING_PLANS": "/config/plans.yaml"}, "SAMVIRKE_STRIPE_WEBHOOK_SECRET"},
		{"S3 without access key", map[string]string{"SAMVIRKE_FILES_S3_ENDPOINT": "minio:9000", "SAMVIRKE_FILES_S3_BUCKET": "files", "SAMVIRKE_FILES_S3_SECRET_KEY": "s"}, "SAMVIRKE_FILES_S3_ACCESS_KEY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := mustFromEnv(t, tt.env).Validate()
			if err == nil {
				t.Fatalf("Validate accepted %v", tt.env)
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") {
				t.Errorf("one bad setting gave several lines: %q", msg)
			}
			if !strings.HasPrefix(msg, tt.setting+":") {
				t.Errorf("error %q does not start with the setting %s", msg, tt.setting)
			}
		})
	}
}

func TestFromEnvReportsBadValues(t *testing.T) {
	t.Parallel()
	_, err := config.FromEnv(mapEnv(map[string]string{
		"SAMVIRKE_SMTP_PORT":        "twenty-five",
		"SAMVIRKE_DEMO":             "maybe",
		"SAMVIRKE_SHUTDOWN_TIMEOUT": "15",
	}))
	if err == nil {
		t.Fatal("FromEnv accepted a non-numeric port, a non-boolean and a duration without unit")
	}
	for _, setting := range []string{"SAMVIRKE_SMTP_PORT", "SAMVIRKE_DEMO", "SAMVIRKE_SHUTDOWN_TIMEOUT"} {
		if !strings.Contains(err.Error(), setting) {
			t.Errorf("error %q does not name %s", err, setting)
		}
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	c := mustFromEnv(t, map[string]string{
		"SAMVIRKE_ADDR":       "nowhere",
		"SAMVIRKE_REDIS_URL":  "http://cache",
		"SAMVIRKE_LOG_LEVEL":  "loud",
		"SAMVIRKE_SMTP_TLS":   "maybe",
		"SAMVIRKE_SECRET_KEY": "short",
	})
	err := c.Validate()
	if err == nil {
		t.Fatal("Validate accepted five bad settings")
	}
	lines := strings.Split(err.Error(), "\n")
	want := []string{"SAMVIRKE_ADDR", "SAMVIRKE_REDIS_URL", "SAMVIRKE_SECRET_KEY", "SAMVIRKE_SMTP_TLS", "SAMVIRKE_LOG_LEVEL"}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want one per problem (%d):\n%s", len(lines), len(want), err)
	}
	for i, setting := range want {
		if !strings.HasPrefix(lines[i], setting+":") {
			t.Errorf("line %d = %q, want it to name %s", i+1, lines[i], setting)
		}
	}
}

func TestValidateDoesNotEchoPasswords(t *testing.T) {
	t.Parallel()
	const password = "hunter2secret"
	tests := []struct {
		name string
		url  string
	}{
		{"malformed postgres URL", "postgres://samvirke:" + password + "@db%zz/samvirke"},
		{"postgres without database", "postgres://samvirke:" + password + "@db.example:5432"},
		{"unknown scheme", "mysql://samvirke:" + password + "@db.example/samvirke"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := mustFromEnv(t, map[string]string{"SAMVIRKE_DATABASE_URL": tt.url}).Validate()
			if err == nil {
				t.Fatalf("Validate accepted %q", tt.url)
			}
			if !strings.Contains(err.Error(), "SAMVIRKE_DATABASE_URL") {
				t.Errorf("error %q does not name SAMVIRKE_DATABASE_URL", err)
			}
			if strings.Contains(err.Error(), password) {
				t.Errorf("error echoes the database password: %q", err)
			}
		})
	}
}

func TestPrepareDataDir(t *testing.T) {
	t.Parallel()
	t.Run("creates a missing directory", func(t *testing.T) {
		t.Parallel()
		dir := filepath.Join(t.TempDir(), "a", "b")
		c := config.Default()
		c.DataDir = dir
		if err := c.PrepareDataDir(); err != nil {
			t.Fatalf("PrepareDataDir: %v", err)
		}
		info, err := os.Stat(dir)
		if err != nil || !info.IsDir() {
			t.Fatalf("%s was not created as a directory (err %v)", dir, err)
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 0 {
			t.Errorf("the write test left files behind: %v", entries)
		}
	})

	// Permission bits do not stop root, so the unusable directories are
	// paths where a regular file is in the way.
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, []byte("not a directory"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, dir := range map[string]string{
		"path is a regular file":    file,
		"path under a regular file": filepath.Join(file, "data"),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := config.Default()
			c.DataDir = dir
			err := c.PrepareDataDir()
			if err == nil {
				t.Fatalf("PrepareDataDir(%s) succeeded", dir)
			}
			if !strings.HasPrefix(err.Error(), "SAMVIRKE_DATA_DIR:") || !strings.Contains(err.Error(), dir) {
				t.Errorf("error %q does not name SAMVIRKE_DATA_DIR and the path", err)
			}
		})
	}
}

func TestLoadOrCreateSecretKey(t *testing.T) {
	t.Parallel()
	t.Run("generated and kept", func(t *testing.T) {
		t.Parallel()
		c := config.Default()
		c.DataDir = t.TempDir()
		first, err := c.LoadOrCreateSecretKey()
		if err != nil {
			t.Fatalf("first call: %v", err)
		}
		if len(first) < 32 {
			t.Errorf("generated key %q is shorter than 32 characters", first)
		}
		info, err := os.Stat(filepath.Join(c.DataDir, "secret.key"))
		if err != nil {
			t.Fatalf("secret.key was not written: %v", err)
		}
		if perm := info.Mode().Perm(); perm != 0o600 {
			t.Errorf("secret.key has mode %v, want %v", perm, fs.FileMode(0o600))
		}
		second, err := c.LoadOrCreateSecretKey()
		if err != nil {
			t.Fatalf("second call: %v", err)
		}
		if second != first {
			t.Errorf("second call returned %q, want the stored key %q (sessions would end at every restart)", second, first)
		}
	})
	t.Run("configured key wins", func(t *testing.T) {
		t.Parallel()
		c := config.Default()
		c.DataDir = t.TempDir()
		c.SecretKey = strings.Repeat("s", 32)
		got, err := c.LoadOrCreateSecretKey()
		if err != nil || got != c.SecretKey {
			t.Errorf("LoadOrCreateSecretKey() = %q, %v; want the configured key", got, err)
		}
		if _, err := os.Stat(filepath.Join(c.DataDir, "secret.key")); err == nil {
			t.Error("secret.key was written although SAMVIRKE_SECRET_KEY is set")
		}
	})
}
