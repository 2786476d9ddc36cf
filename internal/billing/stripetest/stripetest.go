// Package stripetest starts Stripe's official stripe-mock for tests: the
// shape of every call the billing code makes to Stripe is checked against
// Stripe's OpenAPI description. stripe-mock answers in a newer API version
// than stripe-go v76 speaks, so tests trust its status codes and
// validation errors, not its response bodies (webhook payloads are built
// and signed by the tests in v76's shape).
package stripetest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Version is the stripe-mock release the test command installs.
const Version = "v0.203.0"

// Binary answers the path of stripe-mock: $STRIPE_MOCK, else on PATH,
// else in Go's bin directory (where `go install` puts it).
func Binary() (string, error) {
	if p := os.Getenv("STRIPE_MOCK"); p != "" {
		return p, nil
	}
	if p, err := exec.LookPath("stripe-mock"); err == nil {
		return p, nil
	}
	for _, dir := range []string{os.Getenv("GOBIN"), goBin()} {
		if dir == "" {
			continue
		}
		if p := filepath.Join(dir, "stripe-mock"); isFile(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("stripetest: stripe-mock not found; install it with `go install github.com/stripe/stripe-mock@%s` (the test command does)", Version)
}

func goBin() string {
	out, err := exec.Command("go", "env", "GOPATH").Output()
	if err != nil {
		return ""
	}
	first, _, _ := strings.Cut(strings.TrimSpace(string(out)), string(os.PathListSeparator))
	return filepath.Join(first, "bin")
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

var listening = regexp.MustCompile(`Listening for HTTP at address: (\S+)`)

// Start starts a stripe-mock of this test's own on a free port of
// 127.0.0.1 and answers its base URL («http://127.0.0.1:41234»); the test's
// cleanup stops it. A missing binary fails the test.
func Start(tb testing.TB) string {
	tb.Helper()
	bin, err := Binary()
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	// Both listeners on ports the system chooses: stripe-mock serves HTTPS
	// on 12112 unless told otherwise, which parallel tests would share.
	cmd := exec.CommandContext(ctx, bin, "-http-addr", "127.0.0.1:", "-https-addr", "127.0.0.1:")
	out, err := cmd.StdoutPipe()
	if err != nil {
		cancel()
		tb.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		cancel()
		tb.Fatalf("stripetest: start %s: %v", bin, err)
	}
	tb.Cleanup(func() { cancel(); _ = cmd.Wait() })
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
				break
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case a := <-addr:
		return "http://" + a
	case <-time.After(30 * time.Second):
		tb.Fatal("stripetest: stripe-mock did not say where it listens within 30 s")
		return ""
	}
}
