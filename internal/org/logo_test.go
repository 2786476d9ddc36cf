package org_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/files"
	"github.com/samvirke/samvirke/internal/org"
)

// logoPNG is a PNG's signature and header chunk, which is what the type
// is read from, with payload to tell logos apart.
func logoPNG(payload string) []byte {
	return append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), payload...)
}

func readLogo(t *testing.T, s *org.Service, o *org.Organisation) (*files.File, []byte, error) {
	t.Helper()
	f, rc, err := s.Logo(context.Background(), o)
	if err != nil {
		return nil, nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	return f, b, err
}

func settingsOf(o *org.Organisation, logo []byte) org.Settings {
	return org.Settings{Name: o.Name, Locale: o.Locale, TimeZone: o.TimeZone, Logo: logo}
}

// TestLogo: a logo is kept in the file store and read back by its own
// organisation only; a logo saved in the organisation's row before the
// file store existed is still served until replaced.
func TestLogo(t *testing.T) {
	t.Parallel()
	bdb := dbtest.Open(t)
	dir := t.TempDir()
	s := &org.Service{DB: bdb, Files: &files.Service{DB: bdb, Blobs: files.Local{Dir: dir}, TempDir: t.TempDir()}}
	ctx := context.Background()
	a := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
	b := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)

	t.Run("ErrNotFoundWithout", func(t *testing.T) {
		if _, _, err := readLogo(t, s, a); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("no logo: %v; want not found", err)
		}
	})
	t.Run("LegacyRow", func(t *testing.T) {
		old := logoPNG("saved in the row")
		err := db.Run(ctx, bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
			_, err := idb.NewUpdate().Table("organisations").Set("logo = ?", old).Set("logo_type = 'image/png'").Where("id = ?", b.ID).Exec(ctx)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		f, got, err := readLogo(t, s, b)
		if err != nil || !bytes.Equal(got, old) || f.ContentType != "image/png" || f.SHA256 != files.SHA256(old) {
			t.Errorf("a logo saved before the file store: %+v %q %v", f, got, err)
		}
	})
	t.Run("OK", func(t *testing.T) {
		logo := logoPNG("A's new logo")
		if err := s.UpdateSettings(ctx, a, settingsOf(a, logo)); err != nil {
			t.Fatal(err)
		}
		f, got, err := readLogo(t, s, a)
		if err != nil || !bytes.Equal(got, logo) || f.ContentType != "image/png" || f.OrgID != a.ID {
			t.Errorf("the uploaded logo read back as %+v %q %v", f, got, err)
		}
		if _, err := (files.Local{Dir: dir}).Stat(ctx, files.SHA256(logo)); err != nil {
			t.Errorf("the logo is not in the file store: %v", err)
		}
		// B's logo is still its own, and replacing it moves it to the store.
		if _, got, _ := readLogo(t, s, b); bytes.Equal(got, logo) {
			t.Error("organisation B reads A's logo")
		}
		if err := s.UpdateSettings(ctx, b, settingsOf(b, logo)); err != nil {
			t.Fatal(err)
		}
		fb, got, err := readLogo(t, s, b)
		if err != nil || !bytes.Equal(got, logo) || fb.ID == f.ID || fb.OrgID != b.ID {
			t.Errorf("B's replaced logo: %+v %q %v; want its own row of the same bytes", fb, got, err)
		}
	})
	t.Run("ErrHTMLAsPNG", func(t *testing.T) {
		err := s.UpdateSettings(ctx, a, settingsOf(a, []byte("<html><script>alert(1)</script></html>")))
		if ae := app.AsError(err); ae == nil || ae.Code != app.EInvalid || ae.Key != "files.error.type" || ae.Field != "logo" {
			t.Errorf("HTML as a logo: %v; want invalid files.error.type on logo", err)
		}
	})
	t.Run("ErrTooLarge", func(t *testing.T) {
		err := s.UpdateSettings(ctx, a, settingsOf(a, logoPNG(string(make([]byte, org.MaxLogo)))))
		if ae := app.AsError(err); ae == nil || ae.Code != app.ETooLarge || ae.Args["max"] != "512 kB" || ae.Field != "logo" {
			t.Errorf("a logo over 512 kB: %v; want too_large naming 512 kB on logo", err)
		}
	})
}
