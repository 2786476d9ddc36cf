package files_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/files"
	"github.com/samvirke/samvirke/internal/org"
)

// pngBytes is the start of a PNG followed by payload, so that each test
// has its own content.
func pngBytes(payload string) []byte {
	return append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), payload...)
}

var imageUse = files.Use{Field: "logo", MaxSize: 1 << 10, Types: []string{"image/png", "image/jpeg"}}

// backend is a file store under test and a way to count its blobs.
type backend struct {
	name  string
	blobs files.Blobs
	count func(t *testing.T) int
}

func localBackend(t *testing.T) backend {
	dir := t.TempDir()
	return backend{"Local", files.Local{Dir: dir}, func(t *testing.T) int { return len(filesUnder(t, dir)) }}
}

func filesUnder(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// s3Backend is the S3 backend against gofakes3, an in-process
// implementation of the S3 API. It is a fake only because a real MinIO
// server cannot be installed here (it is neither a Debian package nor a
// Go module of this project); production runs against MinIO or another
// S3-compatible store through the same client library.
func s3Backend(t *testing.T) backend {
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(srv.Close)
	endpoint := strings.TrimPrefix(srv.URL, "http://")
	cfg := files.S3Config{Endpoint: endpoint, Bucket: "samvirke-files", AccessKey: "test-access", SecretKey: "test-secret", Region: "us-east-1"}
	s3, err := files.OpenS3(context.Background(), cfg) // creates the bucket
	if err != nil {
		t.Fatal(err)
	}
	client, err := minio.New(endpoint, &minio.Options{Creds: credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""), Region: cfg.Region})
	if err != nil {
		t.Fatal(err)
	}
	count := func(t *testing.T) int {
		n := 0
		for obj := range client.ListObjects(context.Background(), cfg.Bucket, minio.ListObjectsOptions{Recursive: true}) {
			if obj.Err != nil {
				t.Fatal(obj.Err)
			}
			n++
		}
		return n
	}
	return backend{"S3", s3, count}
}

// eachBackend runs fn on the local directory and on S3, each with a
// database of its own.
func eachBackend(t *testing.T, fn func(t *testing.T, s *files.Service, b backend)) {
	for _, mk := range []func(*testing.T) backend{localBackend, s3Backend} {
		b := mk(t)
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			fn(t, &files.Service{DB: dbtest.Open(t), Blobs: b.blobs, TempDir: t.TempDir()}, b)
		})
	}
}

func TestCreateStoresSameBytesOnce(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, s *files.Service, b backend) {
		ctx := context.Background()
		a := dbtest.MustCreateOrg(t, s.DB, org.KindMunicipality)
		o := dbtest.MustCreateOrg(t, s.DB, org.KindMunicipality)
		content := pngBytes("same")
		var ids []int64
		for _, owner := range []int64{a.ID, a.ID, o.ID} {
			f, err := s.Create(ctx, owner, "logo.png", bytes.NewReader(content), imageUse)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, f.ID)
		}
		if ids[0] == ids[1] {
			t.Errorf("two uploads got one row: %v", ids)
		}
		if n := b.count(t); n != 1 {
			t.Errorf("the same bytes uploaded three times are stored %d times; want once", n)
		}
		if _, err := s.Create(ctx, a.ID, "other.png", bytes.NewReader(pngBytes("other")), imageUse); err != nil {
			t.Fatal(err)
		}
		if n := b.count(t); n != 2 {
			t.Errorf("after other bytes: %d blobs; want 2", n)
		}
	})
}

func TestOpen(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, s *files.Service, b backend) {
		ctx := context.Background()
		a := dbtest.MustCreateOrg(t, s.DB, org.KindMunicipality)
		other := dbtest.MustCreateOrg(t, s.DB, org.KindMunicipality)
		content := pngBytes("A's logo")
		f, err := s.Create(ctx, a.ID, "Ålesund kommune.png", bytes.NewReader(content), imageUse)
		if err != nil {
			t.Fatal(err)
		}
		t.Run("OK", func(t *testing.T) {
			got, rc, err := s.Open(ctx, a.ID, f.ID)
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			body, _ := io.ReadAll(rc)
			if !bytes.Equal(body, content) || got.ContentType != "image/png" || got.Name != "Ålesund kommune.png" || got.Size != int64(len(content)) {
				t.Errorf("read back %q as %+v", body, got)
			}
		})
		t.Run("ErrOtherOrg", func(t *testing.T) {
			_, rc, err := s.Open(ctx, other.ID, f.ID)
			if app.ErrorCode(err) != app.ENotFound {
				if rc != nil {
					rc.Close()
				}
				t.Errorf("organisation B opening A's file: %v; want not found", err)
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			if _, _, err := s.Open(ctx, a.ID, f.ID+1000); app.ErrorCode(err) != app.ENotFound {
				t.Errorf("a file that does not exist: %v; want not found", err)
			}
		})
	})
}

func TestUploadRefuses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := localBackend(t)
	s := &files.Service{Blobs: b.blobs, TempDir: t.TempDir()}
	for _, c := range []struct {
		name, file string
		content    []byte
		code, key  string
		args       map[string]any
	}{
		{"HTMLNamedPNG", "logo.png", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), app.EInvalid, "files.error.type", map[string]any{"types": "PNG, JPEG"}},
		{"SVG", "logo.svg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), app.EInvalid, "files.error.type", map[string]any{"types": "PNG, JPEG"}},
		{"TooLarge", "big.png", pngBytes(strings.Repeat("x", 1<<10)), app.ETooLarge, "files.error.too_large", map[string]any{"max": "1 kB"}},
		{"Empty", "empty.png", nil, app.EInvalid, "files.error.empty", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Upload(ctx, c.file, bytes.NewReader(c.content), imageUse)
			ae := app.AsError(err)
			if ae == nil || ae.Code != c.code || ae.Key != c.key || ae.Field != "logo" || (c.args != nil && !equalArgs(ae.Args, c.args)) {
				t.Errorf("got %#v; want %s %s %v on field logo", ae, c.code, c.key, c.args)
			}
		})
	}
	t.Run("OKAtTheLimit", func(t *testing.T) {
		content := pngBytes(strings.Repeat("x", 1<<10-len(pngBytes(""))))
		if _, err := s.Upload(ctx, "full.png", bytes.NewReader(content), imageUse); err != nil {
			t.Errorf("exactly MaxSize bytes: %v", err)
		}
	})
	if n := b.count(t); n != 1 {
		t.Errorf("%d blobs stored; want only the accepted one", n)
	}
	if left := filesUnder(t, s.TempDir); len(left) > 0 {
		t.Errorf("spooled uploads left behind: %v", left)
	}
}

func equalArgs(got, want map[string]any) bool {
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

// failingReader gives some bytes, then fails, like a client that drops
// its connection mid-upload.
type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, errors.New("connection reset")
	}
	k := min(len(p), r.n)
	for i := range p[:k] {
		p[i] = 'x'
	}
	r.n -= k
	return k, nil
}

func TestLocalPutIsAtomic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	l := files.Local{Dir: dir}
	content := pngBytes("whole")
	sha := files.SHA256(content)
	t.Run("ErrReaderFails", func(t *testing.T) {
		if err := l.Put(ctx, sha, &failingReader{n: 100 << 10}, int64(len(content))); err == nil {
			t.Fatal("a failed read was stored")
		}
		if left := filesUnder(t, dir); len(left) > 0 {
			t.Errorf("a failed write left %v", left)
		}
		if _, err := l.Stat(ctx, sha); !errors.Is(err, files.ErrNotExist) {
			t.Errorf("Stat after a failed write: %v; want ErrNotExist", err)
		}
	})
	t.Run("ErrContentNotItsName", func(t *testing.T) {
		if err := l.Put(ctx, sha, bytes.NewReader(pngBytes("other")), int64(len(content))); err == nil {
			t.Fatal("content that does not hash to its name was stored")
		}
		if left := filesUnder(t, dir); len(left) > 0 {
			t.Errorf("a refused write left %v", left)
		}
	})
	t.Run("OK", func(t *testing.T) {
		if err := l.Put(ctx, sha, bytes.NewReader(content), int64(len(content))); err != nil {
			t.Fatal(err)
		}
		want := filepath.Join(dir, sha[:2], sha[2:4], sha)
		if got := filesUnder(t, dir); len(got) != 1 || got[0] != want {
			t.Errorf("stored as %v; want only %s", got, want)
		}
		if n, err := l.Stat(ctx, sha); err != nil || n != int64(len(content)) {
			t.Errorf("Stat: %d, %v", n, err)
		}
	})
}

func TestS3RoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := s3Backend(t)
	content := pngBytes("via S3 «æøå»")
	sha := files.SHA256(content)
	if _, err := b.blobs.Open(ctx, sha); !errors.Is(err, files.ErrNotExist) {
		t.Errorf("Open before Put: %v; want ErrNotExist", err)
	}
	if _, err := b.blobs.Stat(ctx, sha); !errors.Is(err, files.ErrNotExist) {
		t.Errorf("Stat before Put: %v; want ErrNotExist", err)
	}
	for range 2 {
		if err := b.blobs.Put(ctx, sha, bytes.NewReader(content), int64(len(content))); err != nil {
			t.Fatal(err)
		}
	}
	rc, err := b.blobs.Open(ctx, sha)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || !bytes.Equal(got, content) {
		t.Errorf("read back %q, %v", got, err)
	}
	if n, err := b.blobs.Stat(ctx, sha); err != nil || n != int64(len(content)) {
		t.Errorf("Stat: %d, %v", n, err)
	}
	if n := b.count(t); n != 1 {
		t.Errorf("%d objects after putting the same bytes twice; want 1", n)
	}
}
