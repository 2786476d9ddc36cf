package i18n_test

import (
	"math"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/i18n"
)

// testCatalog loads a small catalogue in which "only.en" exists in English
// only.
func testCatalog(t *testing.T) *i18n.Catalog {
	t.Helper()
	base := map[string]string{
		"greet":           "Hello {name}, you have {count} messages.",
		"only.en":         "English only",
		"share":           "Share {share}",
		"items.one":       "{count} item in {place}",
		"items.other":     "{count} items in {place}",
		"unclosed":        "Broken {name",
		"unknown.partial": "Hi {name} and {other}",
	}
	nb := map[string]*string{
		"greet":       ptr("Hei {name}, du har {count} meldinger."),
		"share":       ptr("Andel {share}"),
		"items.one":   ptr("{count} sak i {place}"),
		"items.other": ptr("{count} saker i {place}"),
		"only.en":     nil,
	}
	cat, err := i18n.Load(testFS(base, map[string]map[string]*string{"nb": nb}), "locales")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return cat
}

func TestT(t *testing.T) {
	t.Parallel()
	cat := testCatalog(t)
	tests := []struct {
		name   string
		locale string
		key    string
		args   []any
		want   string
	}{
		{"placeholders as pairs", "nb", "greet", []any{"name", "Kari", "count", 3}, "Hei Kari, du har 3 meldinger."},
		{"placeholders as map", "en", "greet", []any{map[string]any{"name": "Ola", "count": 2}}, "Hello Ola, you have 2 messages."},
		{"integer grouped per locale", "nb", "greet", []any{"name", "Kari", "count", 12345}, "Hei Kari, du har 12\u00a0345 meldinger."},
		{"float formatted per locale", "nb", "share", []any{"share", 2.5}, "Andel 2,5"},
		{"no arguments leaves text", "en", "greet", nil, "Hello {name}, you have {count} messages."},
		{"unknown placeholder kept", "en", "unknown.partial", []any{"name", "Per"}, "Hi Per and {other}"},
		{"unclosed brace kept", "en", "unclosed", []any{"name", "Per"}, "Broken {name"},
		{"missing key falls back to en", "nb", "only.en", nil, "English only"},
		{"unknown locale falls back to en", "fi", "greet", []any{"name", "Aino", "count", 1}, "Hello Aino, you have 1 messages."},
		{"unknown key answers the key", "nb", "no.such.key", nil, "no.such.key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := cat.T(tt.locale, tt.key, tt.args...); got != tt.want {
				t.Errorf("T(%q, %q, %v) = %q, want %q", tt.locale, tt.key, tt.args, got, tt.want)
			}
		})
	}
}

func TestN(t *testing.T) {
	t.Parallel()
	cat := testCatalog(t)
	tests := []struct {
		name   string
		locale string
		count  int
		want   string
	}{
		{"one in nb", "nb", 1, "1 sak i Oppdal"},
		{"several in nb", "nb", 2, "2 saker i Oppdal"},
		{"zero in nb", "nb", 0, "0 saker i Oppdal"},
		{"one in en", "en", 1, "1 item in Oppdal"},
		{"thousands in en", "en", 1500, "1,500 items in Oppdal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := cat.N(tt.locale, "items", tt.count, "place", "Oppdal"); got != tt.want {
				t.Errorf("N(%q, items, %d) = %q, want %q", tt.locale, tt.count, got, tt.want)
			}
		})
	}
}

func TestNegotiate(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"nn-NO,en;q=0.5":       "nb",
		"no":                   "nb",
		"nb-NO":                "nb",
		"sv-SE":                "sv",
		"da, en-GB;q=0.8":      "da",
		"en;q=0.4,da;q=0.9":    "da",
		"fr,sv;q=0.7,en;q=0.7": "sv",
		"de,fr":                "",
		"":                     "",
		"da;q=0,en;q=0.1":      "en",
		"EN-us":                "en",
		"*":                    "",
		"de;q=0.9, sv;q=0.8 ,": "sv",
	}
	for header, want := range tests {
		t.Run(header, func(t *testing.T) {
			t.Parallel()
			if got := i18n.Negotiate(header); got != want {
				t.Errorf("Negotiate(%q) = %q, want %q", header, got, want)
			}
		})
	}
}

func TestFormatNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		locale   string
		f        float64
		decimals int
		want     string
	}{
		{"nb grouping and comma", "nb", 1234567.891, 2, "1\u00a0234\u00a0567,89"},
		{"sv grouping and comma", "sv", 1234567.891, 2, "1\u00a0234\u00a0567,89"},
		{"da grouping and comma", "da", 1234567.891, 2, "1.234.567,89"},
		{"en grouping and point", "en", 1234567.891, 2, "1,234,567.89"},
		{"nb negative", "nb", -1234.5, 1, "\u22121\u00a0234,5"},
		{"en negative", "en", -0.25, 2, "\u22120.25"},
		{"negative rounding to zero has no sign", "da", -0.001, 2, "0,00"},
		{"as few decimals as needed", "nb", 2.50, -1, "2,5"},
		{"whole number without decimals", "en", 1000, -1, "1,000"},
		{"no decimals rounds", "da", 999.6, 0, "1.000"},
		{"not a number", "nb", math.NaN(), 2, "–"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := i18n.FormatNumber(tt.locale, tt.f, tt.decimals); got != tt.want {
				t.Errorf("FormatNumber(%q, %v, %d) = %q, want %q", tt.locale, tt.f, tt.decimals, got, tt.want)
			}
		})
	}
}

func TestFormatInt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		locale string
		n      int64
		want   string
	}{
		{"nb", 1234567, "1\u00a0234\u00a0567"},
		{"sv", 1000, "1\u00a0000"},
		{"da", 1234567, "1.234.567"},
		{"en", 1234567, "1,234,567"},
		{"en", 999, "999"},
		{"nb", -4500, "\u22124\u00a0500"},
		{"da", -7, "\u22127"},
		{"en", 0, "0"},
	}
	for _, tt := range tests {
		t.Run(tt.locale+"/"+i18n.FormatInt("en", tt.n), func(t *testing.T) {
			t.Parallel()
			if got := i18n.FormatInt(tt.locale, tt.n); got != tt.want {
				t.Errorf("FormatInt(%q, %d) = %q, want %q", tt.locale, tt.n, got, tt.want)
			}
		})
	}
}

func TestFormatPercent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		locale   string
		share    float64
		decimals int
		want     string
	}{
		{"nb", 0.75, 0, "75\u00a0%"},
		{"sv", 0.75, 0, "75\u00a0%"},
		{"da", 0.125, 1, "12,5\u00a0%"},
		{"en", 0.75, 0, "75%"},
		{"en", 0.125, 1, "12.5%"},
	}
	for _, tt := range tests {
		t.Run(tt.locale+"/"+tt.want, func(t *testing.T) {
			t.Parallel()
			if got := i18n.FormatPercent(tt.locale, tt.share, tt.decimals); got != tt.want {
				t.Errorf("FormatPercent(%q, %v, %d) = %q, want %q", tt.locale, tt.share, tt.decimals, got, tt.want)
			}
		})
	}
}

func TestFormatDate(t *testing.T) {
	t.Parallel()
	day := time.Date(2026, time.November, 24, 15, 30, 0, 0, time.UTC)
	tests := []struct {
		locale string
		t      time.Time
		want   string
	}{
		{"nb", day, "24.11.2026"},
		{"da", day, "24.11.2026"},
		{"sv", day, "2026-11-24"},
		{"en", day, "24 Nov 2026"},
		{"en", time.Date(2026, time.March, 5, 0, 0, 0, 0, time.UTC), "5 Mar 2026"},
		{"nb", time.Time{}, ""},
		{"en", time.Time{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.locale+"/"+tt.want, func(t *testing.T) {
			t.Parallel()
			if got := i18n.FormatDate(tt.locale, tt.t); got != tt.want {
				t.Errorf("FormatDate(%q, %v) = %q, want %q", tt.locale, tt.t, got, tt.want)
			}
		})
	}
}

func TestFormatDateTime(t *testing.T) {
	t.Parallel()
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Fatal(err)
	}
	instant := time.Date(2026, time.November, 24, 23, 30, 0, 0, time.UTC) // 00:30 next day in Oslo
	tests := []struct {
		locale string
		want   string
	}{
		{"nb", "25.11.2026 kl. 00:30"},
		{"sv", "2026-11-25 kl. 00:30"},
		{"en", "25 Nov 2026 00:30"},
	}
	for _, tt := range tests {
		t.Run(tt.locale, func(t *testing.T) {
			t.Parallel()
			if got := i18n.FormatDateTime(tt.locale, instant, oslo); got != tt.want {
				t.Errorf("FormatDateTime(%q) = %q, want %q", tt.locale, got, tt.want)
			}
		})
	}
}
