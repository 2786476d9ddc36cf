package config_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// TestSecurity15ConfigSSOAllowNetworks: no internal network is allowed for
// single sign-on unless SAMVIRKE_SSO_ALLOW_PRIVATE_NETWORKS names it, as
// addresses or ranges; anything else stops the program with the setting
// named.
func TestSecurity15ConfigSSOAllowNetworks(t *testing.T) {
	t.Parallel()
	if got := mustFromEnv(t, nil).SSOAllowedNetworks(); len(got) != 0 {
		t.Errorf("default allows %v; want none", got)
	}
	c := mustFromEnv(t, map[string]string{"SAMVIRKE_SSO_ALLOW_PRIVATE_NETWORKS": " 10.20.0.0/16, 127.0.0.1 ,::1, 192.168.7.9/24"})
	want := []netip.Prefix{netip.MustParsePrefix("10.20.0.0/16"), netip.MustParsePrefix("127.0.0.1/32"),
		netip.MustParsePrefix("::1/128"), netip.MustParsePrefix("192.168.7.0/24")}
	if err := c.Validate(); err != nil || !slices.Equal(c.SSOAllowedNetworks(), want) {
		t.Errorf("allowed %v (%v); want %v", c.SSOAllowedNetworks(), err, want)
	}
	c = mustFromEnv(t, map[string]string{"SAMVIRKE_SSO_ALLOW_PRIVATE_NETWORKS": "intranet"})
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "SAMVIRKE_SSO_ALLOW_PRIVATE_NETWORKS") {
		t.Errorf("Validate = %v; want SAMVIRKE_SSO_ALLOW_PRIVATE_NETWORKS named", err)
	}
}

// TestSecurity20ConfigMetricsAddr: metrics are off unless
// SAMVIRKE_METRICS_ADDR names an address, which must be host:port and not
// the public one.
func TestSecurity20ConfigMetricsAddr(t *testing.T) {
	t.Parallel()
	if c := mustFromEnv(t, nil); c.MetricsAddr != "" {
		t.Errorf("default metrics address %q; want none", c.MetricsAddr)
	}
	if c := mustFromEnv(t, map[string]string{"SAMVIRKE_METRICS_ADDR": "0.0.0.0:9090"}); c.Validate() != nil || c.MetricsAddr != "0.0.0.0:9090" {
		t.Errorf("metrics address %q (%v); want 0.0.0.0:9090", c.MetricsAddr, c.Validate())
	}
	for _, v := range []string{"9090", "127.0.0.1:http-alt", "127.0.0.1:8080"} {
		c := mustFromEnv(t, map[string]string{"SAMVIRKE_METRICS_ADDR": v})
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "SAMVIRKE_METRICS_ADDR") {
			t.Errorf("SAMVIRKE_METRICS_ADDR=%s: Validate = %v; want it refused", v, err)
		}
	}
}
