package org_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/files"
	"github.com/samvirke/samvirke/internal/org"
)

// png is the start of a PNG file: enough for its content type.
var png = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)

func wantErr(t *testing.T, what string, err error, code, field string) {
	t.Helper()
	if e := app.AsError(err); e == nil || e.Code != code || e.Field != field {
		t.Errorf("%s: %v; want %s on field %q", what, err, code, field)
	}
}

// auditActions answers the actions of o's audit log, newest first.
func auditActions(t *testing.T, s *org.Service, o *org.Organisation) []*audit.Entry {
	t.Helper()
	es, _, err := s.AuditLog(context.Background(), o, audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// TestUpdateSettings: valid settings are saved together and audited with
// what changed; an invalid one (named by its field) saves nothing, and
// saving the same settings again audits nothing.
func TestUpdateSettings(t *testing.T) {
	t.Parallel()
	bdb := dbtest.Open(t)
	s := &org.Service{DB: bdb, Clock: &app.FixedClock{T: dbtest.Now},
		Files: &files.Service{DB: bdb, Blobs: files.Local{Dir: t.TempDir()}, TempDir: t.TempDir()}}
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		st      func(o *org.Organisation) org.Settings
		field   string // "" when valid
		changed []string
	}{
		{"OK", func(o *org.Organisation) org.Settings {
			return org.Settings{Name: "Nye navnet", Locale: "sv", TimeZone: "Europe/Stockholm", RequireSecondFactor: true, Logo: png}
		}, "", []string{"logo", "locale", "name", "require_second_factor", "time_zone"}},
		{"OKNameOnly", func(o *org.Organisation) org.Settings {
			return org.Settings{Name: "Bare navnet", Locale: o.Locale, TimeZone: o.TimeZone}
		}, "", []string{"name"}},
		{"OKNothingChanged", func(o *org.Organisation) org.Settings {
			return org.Settings{Name: o.Name, Locale: o.Locale, TimeZone: o.TimeZone}
		}, "", nil},
		{"ErrLogoNotImage", func(o *org.Organisation) org.Settings {
			return org.Settings{Name: "X", Locale: "nb", TimeZone: "Europe/Oslo", Logo: []byte("<svg onload=alert(1)>")}
		}, "logo", nil},
		{"ErrLogoTooLarge", func(o *org.Organisation) org.Settings {
			return org.Settings{Name: "X", Locale: "nb", TimeZone: "Europe/Oslo", Logo: append(bytes.Clone(png), make([]byte, org.MaxLogo)...)}
		}, "logo", nil},
		{"OKSeasons", func(o *org.Organisation) org.Settings {
			return org.Settings{Name: o.Name, Locale: o.Locale, TimeZone: o.TimeZone, SpringEnd: "20.6.", AutumnEnd: " 20 December "}
		}, "", []string{"spring_end", "autumn_end"}},
		{"ErrSpringEnd", func(o *org.Organisation) org.Settings {
			return org.Settings{Name: o.Name, Locale: o.Locale, TimeZone: o.TimeZone, SpringEnd: "31.2.", AutumnEnd: "20.12."}
		}, "spring_end", nil},
		{"ErrAutumnEnd", func(o *org.Organisation) org.Settings {
			return org.Settings{Name: o.Name, Locale: o.Locale, TimeZone: o.TimeZone, AutumnEnd: "midtvinter"}
		}, "autumn_end", nil},
		{"ErrName", func(o *org.Organisation) org.Settings {
			return org.Settings{Name: " ", Locale: "nb", TimeZone: "Europe/Oslo"}
		}, "name", nil},
		{"ErrLocale", func(o *org.Organisation) org.Settings {
			return org.Settings{Name: "X", Locale: "de", TimeZone: "Europe/Oslo"}
		}, "locale", nil},
		{"ErrTimeZone", func(o *org.Organisation) org.Settings {
			return org.Settings{Name: "X", Locale: "nb", TimeZone: "Europe/Ørsta"}
		}, "time_zone", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
			st := tc.st(o)
			err := s.UpdateSettings(ctx, o, st)
			got, ferr := s.FindBySlug(ctx, o.Slug)
			if ferr != nil {
				t.Fatal(ferr)
			}
			lf, logo, lerr := readLogo(t, s, o)
			if tc.field != "" {
				code := app.EInvalid
				if tc.name == "ErrLogoTooLarge" {
					code = app.ETooLarge // the file store's refusal, with its limit
				}
				wantErr(t, "UpdateSettings", err, code, tc.field)
				if got.Name != o.Name || got.Locale != o.Locale || got.TimeZone != o.TimeZone || got.SpringEnd != "" || got.AutumnEnd != "" || !app.IsNotFound(lerr) {
					t.Errorf("after refused settings: %q %s %s, logo %v; want all unchanged", got.Name, got.Locale, got.TimeZone, lerr)
				}
				if es := auditActions(t, s, o); len(es) != 0 {
					t.Errorf("refused settings audited: %+v", es[0])
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != st.Name || got.Locale != st.Locale || got.TimeZone != st.TimeZone || got.RequireSecondFactor != st.RequireSecondFactor {
				t.Errorf("saved %q %s %s %v; want %+v", got.Name, got.Locale, got.TimeZone, got.RequireSecondFactor, st)
			}
			spring, _ := org.ParseMonthDayInput(st.SpringEnd)
			autumn, _ := org.ParseMonthDayInput(st.AutumnEnd)
			if got.SpringEnd != spring || got.AutumnEnd != autumn {
				t.Errorf("saved term ends %q, %q; want %q, %q", got.SpringEnd, got.AutumnEnd, spring, autumn)
			}
			if st.Logo != nil && (lerr != nil || lf.ContentType != "image/png" || !bytes.Equal(logo, png)) {
				t.Errorf("Logo: %+v, %d bytes, %v; want the PNG", lf, len(logo), lerr)
			}
			es := auditActions(t, s, o)
			if len(tc.changed) == 0 {
				if len(es) != 0 {
					t.Errorf("unchanged settings audited: %+v", es[0])
				}
				return
			}
			var keys []string
			if len(es) == 1 {
				for k := range es[0].Details() {
					keys = append(keys, k)
				}
			}
			if len(es) != 1 || es[0].Action != audit.SettingsChanged || !sameSet(keys, tc.changed) {
				t.Errorf("audit log: %d entries, changed %v; want one settings.changed with %v", len(es), keys, tc.changed)
			}
		})
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !strings.Contains("|"+strings.Join(b, "|")+"|", "|"+x+"|") {
			return false
		}
	}
	return true
}

// TestTerms: an organisation's own words replace the whole set (blank
// labels fall back to the default) and are audited; an unknown term or
// language, or a label too long, saves nothing.
func TestTerms(t *testing.T) {
	t.Parallel()
	bdb := dbtest.Open(t)
	s := &org.Service{DB: bdb, Clock: &app.FixedClock{T: dbtest.Now}}
	ctx := context.Background()
	o := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
	first := org.TermOverrides{"nb": {"workbook": "Arbeidshefte", "measure": "Aktivitet"}, "sv": {"workbook": "Arbetsbok"}}
	if err := s.SaveTerms(ctx, o, first); err != nil {
		t.Fatal(err)
	}
	second := org.TermOverrides{"nb": {"workbook": " Arbeidsbok ", "measure": ""}}
	if err := s.SaveTerms(ctx, o, second); err != nil {
		t.Fatal(err)
	}
	want := org.TermOverrides{"nb": {"workbook": "Arbeidsbok"}}
	if got, err := s.Terms(ctx, o.ID); err != nil || len(got) != 1 || len(got["nb"]) != 1 || got["nb"]["workbook"] != "Arbeidsbok" {
		t.Errorf("Terms after replacing: %v, %v; want %v", got, err, want)
	}
	for _, tc := range []struct {
		name  string
		terms org.TermOverrides
		field string
	}{
		{"ErrTerm", org.TermOverrides{"nb": {"kommune": "By"}}, "kommune.nb"},
		{"ErrLocale", org.TermOverrides{"de": {"workbook": "Arbeitsbuch"}}, ""},
		{"ErrLong", org.TermOverrides{"nb": {"workbook": strings.Repeat("å", org.MaxTermLen+1)}}, "workbook.nb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantErr(t, "SaveTerms", s.SaveTerms(ctx, o, tc.terms), app.EInvalid, tc.field)
			if got, err := s.Terms(ctx, o.ID); err != nil || got["nb"]["workbook"] != "Arbeidsbok" || len(got) != 1 {
				t.Errorf("Terms after a refused save: %v, %v; want %v", got, err, want)
			}
		})
	}
	if es := auditActions(t, s, o); len(es) != 2 || es[0].Action != audit.SettingsChanged {
		t.Errorf("audit log: %d entries; want the two saves", len(es))
	}
}
