package sso

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Bounds of every call to a provider. A sign-in start is anonymous, so
// whatever a configured issuer answers, the server spends at most this
// much on it.
const (
	dialTimeout     = 5 * time.Second
	headerTimeout   = 5 * time.Second
	maxResponseSize = 1 << 20 // discovery document, keys, token and userinfo answers
	maxRedirects    = 3
)

// ErrAddressRefused is wrapped by the error of a connection refused
// because its address is internal (loopback, private, link-local, …) and
// not in Config.AllowNetworks.
var ErrAddressRefused = errors.New("sso: provider address is in an internal network")

var errTooLarge = fmt.Errorf("sso: provider answer larger than %d bytes", maxResponseSize)

// internalRanges are address ranges beyond netip's own classes that no
// provider on the internet uses: "this network", carrier-grade NAT, IETF
// protocol assignments, benchmarking, reserved, and NAT64 (which reaches
// IPv4 addresses, internal ones included, through IPv6).
var internalRanges = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
}

// isInternal reports whether a is an address the server must not reach for a
// provider unless allowed: loopback, private (RFC 1918, fc00::/7),
// link-local (169.254/16 with the cloud metadata services, fe80::/10),
// unspecified, multicast and the ranges above.
func isInternal(a netip.Addr) bool {
	a = a.Unmap()
	if a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() || !a.IsValid() {
		return true
	}
	for _, p := range internalRanges {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// reachable reports whether the server may connect to a for a provider.
func reachable(a netip.Addr, allow []netip.Prefix) bool {
	a = a.Unmap()
	if !isInternal(a) {
		return true
	}
	for _, p := range allow {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// hostAddrs answers the addresses a URL's host names without asking DNS:
// an IP literal, or loopback for localhost and *.localhost (RFC 6761).
// ok is false for any other name.
func hostAddrs(host string) (addrs []netip.Addr, ok bool) {
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a}, true
	}
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return []netip.Addr{netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("::1")}, true
	}
	return nil, false
}

// checkProviderURL answers the translation key of what is wrong with u as
// an address of the provider, or "": it must not name an internal address
// outside allow, and it must use https, or plain http only to an address
// inside allow written as such (or localhost). Names are checked again at
// every connection, when they have been resolved.
func checkProviderURL(u *url.URL, allow []netip.Prefix) string {
	addrs, literal := hostAddrs(u.Hostname())
	for _, a := range addrs {
		if !reachable(a, allow) {
			return keyIssuerInternal
		}
	}
	switch {
	case u.Scheme == "https":
		return ""
	case u.Scheme == "http" && literal:
		for _, a := range addrs {
			if reachable(a, allow) && isInternal(a) {
				return "" // an internal network the operator allowed
			}
		}
	}
	return keyIssuer
}

// newHTTPClient answers the client of every call to a provider: direct
// connections (no proxy, so the address check sees the real peer) to
// addresses that reachable allows, checked when each connection is made,
// after DNS and on every redirect, with bounded time, redirects and
// response size.
func newHTTPClient(allow []netip.Prefix) *http.Client {
	dialer := &net.Dialer{
		Timeout:   dialTimeout,
		KeepAlive: 30 * time.Second,
		Control: func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || !reachable(ap.Addr(), allow) {
				return fmt.Errorf("%w: %s", ErrAddressRefused, address)
			}
			return nil
		},
	}
	transport := &http.Transport{
		Proxy:                  nil,
		DialContext:            dialer.DialContext,
		ForceAttemptHTTP2:      true,
		TLSHandshakeTimeout:    dialTimeout,
		ResponseHeaderTimeout:  headerTimeout,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: 64 << 10,
		MaxIdleConns:           10,
		IdleConnTimeout:        90 * time.Second,
	}
	return &http.Client{
		Timeout:   httpTimeout,
		Transport: limitedTransport{transport},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxRedirects {
				return errors.New("sso: too many redirects")
			}
			if key := checkProviderURL(req.URL, allow); key != "" {
				return fmt.Errorf("%w: redirect to %s", ErrAddressRefused, req.URL.Redacted())
			}
			return nil
		},
	}
}

// limitedTransport fails a response body that grows beyond
// maxResponseSize, so a provider cannot make the server read without end.
type limitedTransport struct{ rt http.RoundTripper }

func (t limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.rt.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if resp.ContentLength > maxResponseSize {
		resp.Body.Close()
		return nil, errTooLarge
	}
	resp.Body = &limitedBody{rc: resp.Body, left: maxResponseSize}
	return resp, nil
}

type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			err = errTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }
