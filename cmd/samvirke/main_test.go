package main

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// cleanEnv blanks every SAMVIRKE_* variable of the outer environment (an
// empty value counts as unset) and applies env on top.
func cleanEnv(t *testing.T, env map[string]string) {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "SAMVIRKE_") {
			t.Setenv(k, "")
		}
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
}

// runCmd runs the program with args and fails the test when it does not end
// within a minute (a command that should fail started serving instead).
func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- run(args, &out, &errOut) }()
	select {
	case code = <-done:
	case <-time.After(time.Minute):
		t.Fatalf("samvirke %s did not end within a minute", strings.Join(args, " "))
	}
	return code, out.String(), errOut.String()
}

// regularFile creates a regular file in a temporary directory; paths under
// it cannot be created, even by root.
func regularFile(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBadConfigurationEndsWithOneClearLine(t *testing.T) {
	tests := []struct {
		name    string
		env     func(t *testing.T) map[string]string
		setting string
		hint    string // what to do, as the message words it
	}{
		{
			name: "malformed database URL",
			env: func(t *testing.T) map[string]string {
				return map[string]string{"SAMVIRKE_DATABASE_URL": "postgres://%zz", "SAMVIRKE_DATA_DIR": t.TempDir()}
			},
			setting: "SAMVIRKE_DATABASE_URL",
			hint:    "use postgres://",
		},
		{
			name: "unreachable Redis",
			env: func(t *testing.T) map[string]string {
				return map[string]string{"SAMVIRKE_REDIS_URL": "redis://127.0.0.1:1/0", "SAMVIRKE_DATA_DIR": t.TempDir()}
			},
			setting: "SAMVIRKE_REDIS_URL",
			hint:    "start Redis",
		},
		{
			name: "port in use",
			env: func(t *testing.T) map[string]string {
				l, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { l.Close() })
				return map[string]string{"SAMVIRKE_ADDR": l.Addr().String(), "SAMVIRKE_DATA_DIR": t.TempDir()}
			},
			setting: "SAMVIRKE_ADDR",
			hint:    "choose another address",
		},
		{
			name: "unwritable data directory",
			env: func(t *testing.T) map[string]string {
				return map[string]string{"SAMVIRKE_DATA_DIR": filepath.Join(regularFile(t), "data")}
			},
			setting: "SAMVIRKE_DATA_DIR",
			hint:    "choose a directory",
		},
		{
			name: "unreadable secret file",
			env: func(t *testing.T) map[string]string {
				return map[string]string{
					"SAMVIRKE_SECRET_KEY_FILE": filepath.Join(t.TempDir(), "missing"),
					"SAMVIRKE_DATA_DIR":        t.TempDir(),
				}
			},
			setting: "SAMVIRKE_SECRET_KEY_FILE",
			hint:    "point it at a readable file",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := tt.env(t)
			env["SAMVIRKE_DEMO"] = "false"
			cleanEnv(t, env)

			code, _, stderr := runCmd(t)
			if code == 0 {
				t.Errorf("exit code 0, want non-zero")
			}
			if strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") {
				t.Errorf("stderr is not exactly one line:\n%s", stderr)
			}
			if !strings.HasPrefix(stderr, "samvirke: ") {
				t.Errorf("stderr %q does not start with %q", stderr, "samvirke: ")
			}
			if !strings.Contains(stderr, tt.setting) {
				t.Errorf("stderr %q does not name %s", stderr, tt.setting)
			}
			if !strings.Contains(stderr, tt.hint) {
				t.Errorf("stderr %q does not say what to do (%q)", stderr, tt.hint)
			}
		})
	}
}

func TestCommands(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		code       int
		wantStdout string
		wantStderr string
	}{
		{"version", []string{"version"}, 0, "samvirke dev\n", ""},
		{"help", []string{"help"}, 0, "Usage: samvirke", ""},
		{"unknown command", []string{"frobnicate"}, 2, "", `samvirke: unknown command "frobnicate"`},
		{"unknown flag", []string{"version", "-verbose"}, 2, "", "Usage: samvirke"},
		{"tenants without apply", []string{"tenants", "list"}, 2, "", "Usage: samvirke tenants apply"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnv(t, map[string]string{"SAMVIRKE_DATA_DIR": t.TempDir()})
			code, stdout, stderr := runCmd(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tt.code, stderr)
			}
			if tt.name == "version" && stdout != tt.wantStdout {
				t.Errorf("stdout = %q, want exactly %q", stdout, tt.wantStdout)
			}
			if !strings.Contains(stdout, tt.wantStdout) {
				t.Errorf("stdout %q does not contain %q", stdout, tt.wantStdout)
			}
			if !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("stderr %q does not contain %q", stderr, tt.wantStderr)
			}
		})
	}
}

// countYAML counts the organisation files of dir.
func countYAML(t *testing.T, dir string) int {
	t.Helper()
	var n int
	for _, pattern := range []string{"*.yaml", "*.yml"} {
		m, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			t.Fatal(err)
		}
		n += len(m)
	}
	if n == 0 {
		t.Fatalf("no YAML files in %s", dir)
	}
	return n
}

func TestTenantsApply(t *testing.T) {
	const dir = "../../tenants"
	want := fmt.Sprintf("%d organisations applied\n", countYAML(t, dir))
	cleanEnv(t, map[string]string{"SAMVIRKE_DATA_DIR": t.TempDir()})

	for _, attempt := range []string{"first", "again (idempotent)"} {
		code, stdout, stderr := runCmd(t, "tenants", "apply", dir)
		if code != 0 {
			t.Fatalf("%s apply: exit code %d, stderr:\n%s", attempt, code, stderr)
		}
		if !strings.HasSuffix(stdout, want) {
			t.Errorf("%s apply: stdout does not end with %q:\n%s", attempt, want, stdout)
		}
		if !strings.Contains(stdout, "trondheim") {
			t.Errorf("%s apply: stdout does not list trondheim:\n%s", attempt, stdout)
		}
	}
}

func TestTenantsApplyRejectsBadFile(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		content string
		want    string
	}{
		{"unknown kind", "village.yaml", "slug: smaby\nkind: village\nname: Småby\ncountry: NO\n", "village.yaml"},
		{"unknown field", "typo.yaml", "slug: smaby\nkind: county\nname: Småby\ncolour: red\n", "typo.yaml"},
		{"invalid YAML", "broken.yaml", "slug: [smaby\n", "broken.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, tt.file), []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			cleanEnv(t, map[string]string{"SAMVIRKE_DATA_DIR": t.TempDir()})
			code, stdout, stderr := runCmd(t, "tenants", "apply", dir)
			if code != 1 {
				t.Errorf("exit code %d, want 1", code)
			}
			if !strings.HasPrefix(stderr, "samvirke: ") || !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr %q does not name the file %s", stderr, tt.want)
			}
			if strings.Contains(stdout, "organisations applied") {
				t.Errorf("stdout claims success:\n%s", stdout)
			}
		})
	}
}

// TestServeFlagsWithoutCommand: "samvirke -addr HOST:PORT" serves on that
// address (the README's flags), rather than taking "-addr" for a command.
func TestServeFlagsWithoutCommand(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	cleanEnv(t, map[string]string{"SAMVIRKE_DATA_DIR": t.TempDir(), "SAMVIRKE_DEMO": "false"})
	// The address is taken, so serving fails at once, and says so: proof
	// that the flag reached the server.
	code, _, stderr := runCmd(t, "-addr", l.Addr().String())
	if code == 0 || strings.Contains(stderr, "unknown command") || !strings.Contains(stderr, "choose another address") {
		t.Errorf("exit %d, stderr %q; want the taken address refused", code, stderr)
	}
}
