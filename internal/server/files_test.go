package server_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/config"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/files"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/server"
	"github.com/samvirke/samvirke/internal/server/servertest"
)

// postLogo posts the settings form of o with logo as its logo file.
func postLogo(t *testing.T, c *http.Client, base string, o *org.Organisation, name string, logo []byte) *http.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("name", o.Name)
	mw.WriteField("locale", "nb")
	mw.WriteField("time_zone", "Europe/Oslo")
	fw, _ := mw.CreateFormFile("logo", name)
	fw.Write(logo)
	mw.Close()
	req, _ := http.NewRequest("POST", base+"/o/"+o.Slug+"/admin/settings", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// TestLogoThroughFileStore: an administrator's new logo is kept in the
// file store and served from it with the stored type; with an S3 bucket
// configured, a second web process with a data directory of its own
// serves the logo the first one received. A web page posing as a PNG is
// refused in the form, in the page's language.
func TestLogoThroughFileStore(t *testing.T) {
	t.Parallel()
	logo := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "a logo"...)
	for _, backend := range []string{"Local", "S3"} {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			env := servertest.NewEnv(t)
			cfg := env.Config()
			if backend == "S3" {
				// gofakes3 stands in for MinIO, which cannot be installed
				// here; the program talks to it as to any S3 store.
				s3 := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
				t.Cleanup(s3.Close)
				cfg.FilesS3 = config.FilesS3{Endpoint: strings.TrimPrefix(s3.URL, "http://"), Bucket: "samvirke-files",
					AccessKey: "test", SecretKey: "test-secret", Region: "us-east-1"}
			}
			first := servertest.Open(t, cfg, server.ModeWeb).Run(t)
			reader := first
			if backend == "S3" {
				cfg2 := cfg
				cfg2.DataDir, cfg2.AutoMigrate = t.TempDir(), false
				reader = servertest.Open(t, cfg2, server.ModeWeb).Run(t)
			}
			o := dbtest.MustCreateOrg(t, first.DB, org.KindMunicipality)
			admin, _ := dbtest.MustCreateUser(t, first.DB, o, account.RoleAdmin)
			first.Authz.Reload()
			reader.Authz.Reload()

			resp := postLogo(t, sessionClient(t, first.DB, first.URL(), admin), first.URL(), o, "Våpen.png", logo)
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("saving a PNG logo: %d", resp.StatusCode)
			}
			resp, err := sessionClient(t, reader.DB, reader.URL(), admin).Get(reader.URL() + "/o/" + o.Slug + "/logo")
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !bytes.Equal(got, logo) {
				t.Fatalf("the logo: %d %q", resp.StatusCode, got)
			}
			for k, want := range map[string]string{"Content-Type": "image/png", "X-Content-Type-Options": "nosniff",
				"ETag": `"` + files.SHA256(logo) + `"`, "Cache-Control": "private, max-age=300"} {
				if v := resp.Header.Get(k); v != want {
					t.Errorf("%s: %q; want %q", k, v, want)
				}
			}

			resp = postLogo(t, sessionClient(t, first.DB, first.URL(), admin), first.URL(), o, "logo.png", []byte("<!DOCTYPE html><script>alert(1)</script>"))
			page, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(page), "Denne filtypen tas ikke imot her: last opp PNG, JPEG, GIF, WebP.") {
				t.Errorf("HTML named logo.png: %d, want 422 with the reason in Norwegian:\n%s", resp.StatusCode, page)
			}
		})
	}
}
