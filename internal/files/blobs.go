package files

import (
	"context"
	"errors"
	"io"
	"regexp"
)

// Blobs keeps content by its SHA-256 (64 lower-case hex digits). Put of a
// name that exists already changes nothing, so writers need no locks and
// several processes may share one store. Nothing is ever overwritten with
// other bytes: the name is the content.
type Blobs interface {
	// Put stores the size bytes of r as sha, unless sha exists. The
	// content must hash to sha; a backend may check it.
	Put(ctx context.Context, sha string, r io.Reader, size int64) error
	// Open answers the content of sha, or an error wrapping ErrNotExist.
	Open(ctx context.Context, sha string) (io.ReadCloser, error)
	// Stat answers the size of sha, or an error wrapping ErrNotExist.
	Stat(ctx context.Context, sha string) (int64, error)
}

// ErrNotExist is the error of Open and Stat for content not stored.
var ErrNotExist = errors.New("files: no such blob")

var shaPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// blobKey is where sha lives relative to a store's root: ab/cd/abcd…,
// so that no directory holds more than a few thousand entries.
func blobKey(sha string) (string, error) {
	if !shaPattern.MatchString(sha) {
		return "", errors.New("files: malformed SHA-256 " + sha)
	}
	return sha[0:2] + "/" + sha[2:4] + "/" + sha, nil
}
