package files

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Local keeps blobs in a directory: Dir/ab/cd/<sha>. A blob appears whole
// or not at all: it is written to a temporary file in its directory,
// checked against its name, synced, and renamed into place.
type Local struct {
	Dir string
}

func (l Local) path(sha string) (string, error) {
	key, err := blobKey(sha)
	if err != nil {
		return "", err
	}
	return filepath.Join(l.Dir, filepath.FromSlash(key)), nil
}

// Put stores r as sha unless it exists; content that does not hash to sha
// is refused and leaves nothing behind.
func (l Local) Put(ctx context.Context, sha string, r io.Reader, size int64) (err error) {
	p, err := l.path(sha)
	if err != nil {
		return err
	}
	if _, err := os.Stat(p); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return fmt.Errorf("files: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".put-*")
	if err != nil {
		return fmt.Errorf("files: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), r)
	if err != nil {
		return fmt.Errorf("files: writing %s: %w", sha, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sha || n != size {
		return fmt.Errorf("files: content of %s hashes to %s (%d bytes, want %d)", sha, got, n, size)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("files: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("files: %w", err)
	}
	if err = os.Chmod(tmp.Name(), 0o640); err != nil {
		return fmt.Errorf("files: %w", err)
	}
	// Another process may have put the same bytes meanwhile: renaming over
	// them replaces equal content with equal content.
	if err = os.Rename(tmp.Name(), p); err != nil {
		return fmt.Errorf("files: %w", err)
	}
	return nil
}

// Open answers the content of sha.
func (l Local) Open(ctx context.Context, sha string) (io.ReadCloser, error) {
	p, err := l.path(sha)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNotExist, sha)
	}
	return f, err
}

// Stat answers the size of sha.
func (l Local) Stat(ctx context.Context, sha string) (int64, error) {
	p, err := l.path(sha)
	if err != nil {
		return 0, err
	}
	fi, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("%w: %s", ErrNotExist, sha)
	}
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}
