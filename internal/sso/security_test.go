package sso

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/samvirke/samvirke/internal/app"
)

// countingServer is an https (or http) server on addr that counts the
// connections it accepts: any connection at all shows the server reached
// it.
type countingServer struct {
	*httptest.Server
	conns atomic.Int64
}

func startCounting(t *testing.T, addr string, tls bool, h http.HandlerFunc) *countingServer {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	s := &countingServer{Server: httptest.NewUnstartedServer(h)}
	s.Listener = l
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	if tls {
		s.StartTLS()
	} else {
		s.Start()
	}
	t.Cleanup(s.Close)
	return s
}

// TestSecurity15IssuerInternalRefused: an issuer naming an internal
// address (loopback, private, link-local, …), or plain http, is refused
// unless its range is allowed; names are left to the connection check.
func TestSecurity15IssuerInternalRefused(t *testing.T) {
	intranet := []netip.Prefix{netip.MustParsePrefix("10.20.0.0/16")}
	for _, tc := range []struct {
		issuer string
		allow  []netip.Prefix
		key    string // "" when accepted
	}{
		{"https://login.kommune.no/realms/ansatte", nil, ""},
		{"https://203.0.113.10/idp", nil, ""}, // a public address
		{"http://login.kommune.no", nil, keyIssuer},
		{"http://203.0.113.10", nil, keyIssuer},
		{"http://127.0.0.1:5556", nil, keyIssuerInternal},
		{"https://127.0.0.1:5556", nil, keyIssuerInternal},
		{"https://127.1.2.3", nil, keyIssuerInternal},
		{"https://localhost:8443", nil, keyIssuerInternal},
		{"https://LOCALHOST.:8443", nil, keyIssuerInternal},
		{"https://idp.localhost", nil, keyIssuerInternal},
		{"https://[::1]:9000", nil, keyIssuerInternal},
		{"https://[::ffff:127.0.0.1]", nil, keyIssuerInternal},
		{"https://[::ffff:10.0.0.1]", nil, keyIssuerInternal},
		{"https://0.0.0.0", nil, keyIssuerInternal},
		{"https://[::]", nil, keyIssuerInternal},
		{"https://10.0.0.5", nil, keyIssuerInternal},
		{"https://172.16.8.1", nil, keyIssuerInternal},
		{"https://192.168.1.1", nil, keyIssuerInternal},
		{"https://169.254.169.254/latest/meta-data", nil, keyIssuerInternal},
		{"https://[fe80::1]", nil, keyIssuerInternal},
		{"https://[fd00::1]", nil, keyIssuerInternal},
		{"https://100.64.0.1", nil, keyIssuerInternal},
		{"https://[64:ff9b::a00:1]", nil, keyIssuerInternal},
		{"https://224.0.0.1", nil, keyIssuerInternal},
		{"https://10.20.1.5/adfs", intranet, ""},
		{"http://10.20.1.5/adfs", intranet, ""}, // an allowed network, written as an address
		{"https://10.30.1.5/adfs", intranet, keyIssuerInternal},
		{"https://127.0.0.1", intranet, keyIssuerInternal},
	} {
		err := Config{Issuer: tc.issuer, ClientID: "samvirke", RedirectURL: "https://samvirke.no/sso/callback", AllowNetworks: tc.allow}.Validate()
		if tc.key == "" {
			if err != nil {
				t.Errorf("%s (allow %v): %v; want it accepted", tc.issuer, tc.allow, err)
			}
			continue
		}
		if e := app.AsError(err); e == nil || e.Code != app.EInvalid || e.Key != tc.key || e.Field != "issuer" {
			t.Errorf("%s (allow %v): %v; want invalid %s on issuer", tc.issuer, tc.allow, err, tc.key)
		}
	}
}

// TestSecurity15ConnectionChecked: the address is checked when each
// connection is made, so neither a name that resolves to a loopback
// address nor a redirect from an allowed provider reaches an internal
// address: the target never sees a connection.
func TestSecurity15ConnectionChecked(t *testing.T) {
	target := startCounting(t, "127.0.0.1:0", true, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{}`))
	})
	_, port, _ := net.SplitHostPort(target.Listener.Addr().String())

	t.Run("NameResolvingToLoopback", func(t *testing.T) {
		resp, err := newHTTPClient(nil).Get("https://localhost:" + port + "/.well-known/openid-configuration")
		if err == nil {
			resp.Body.Close()
		}
		if !errors.Is(err, ErrAddressRefused) {
			t.Errorf("GET https://localhost:%s: %v; want the address refused", port, err)
		}
	})
	t.Run("RedirectToLoopback", func(t *testing.T) {
		// The provider is in an allowed range and redirects discovery
		// to an address outside it.
		var asked atomic.Int64
		idp := startCounting(t, "127.0.0.2:0", false, func(w http.ResponseWriter, r *http.Request) {
			asked.Add(1)
			http.Redirect(w, r, "https://127.0.0.1:"+port+r.URL.Path, http.StatusFound)
		})
		_, err := New(t.Context(), Config{Issuer: idp.URL, ClientID: "samvirke", RedirectURL: "https://samvirke.no/sso/callback",
			AllowNetworks: []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32")}})
		if e := app.AsError(err); e == nil || e.Code != app.EUnavailable || !errors.Is(err, ErrAddressRefused) {
			t.Errorf("New with a redirect to loopback: %v; want unavailable, address refused", err)
		}
		if asked.Load() != 1 {
			t.Errorf("the allowed provider was asked %d times; want 1", asked.Load())
		}
	})
	if n := target.conns.Load(); n != 0 {
		t.Errorf("the internal target saw %d connections; want none", n)
	}
}

// TestSecurity15AnswerBounded: a provider's answer larger than 1 MiB is
// refused, whether it says so in advance or not.
func TestSecurity15AnswerBounded(t *testing.T) {
	chunk := []byte(strings.Repeat(" ", 64<<10))
	var written atomic.Int64
	idp := startCounting(t, "127.0.0.1:0", false, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("declared") != "" {
			w.Header().Set("Content-Length", "1073741824")
		}
		for i := 0; i < 1<<14; i++ { // up to 1 GiB
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	})
	c := newHTTPClient([]netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")})
	for _, q := range []string{"", "?declared=1"} {
		resp, err := c.Get(idp.URL + "/.well-known/openid-configuration" + q)
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		if err == nil || !strings.Contains(err.Error(), errTooLarge.Error()) {
			t.Errorf("endless answer %q: %v; want it refused as too large", q, err)
		}
	}
	idp.Close() // waits for the handlers
	t.Logf("the provider wrote %d bytes in all", written.Load())
	if n := written.Load(); n >= 64<<20 {
		t.Errorf("the provider wrote %d bytes; want it cut off soon after 1 MiB", n)
	}
}
