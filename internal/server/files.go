package server

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/samvirke/samvirke/internal/files"
)

// openFiles builds the file store: the S3-compatible bucket of
// SAMVIRKE_FILES_S3_* when an endpoint is set (several web processes
// share it), otherwise the files folder of the data directory. Uploads are
// spooled in the data directory while they are checked: it is known to be
// writable, and /tmp may be small or in memory.
func (m *Main) openFiles(ctx context.Context) (*files.Service, error) {
	c := m.Config.FilesS3
	spool := filepath.Join(m.Config.DataDir, "files", ".upload")
	if err := os.MkdirAll(spool, 0o750); err != nil {
		return nil, fmt.Errorf("SAMVIRKE_DATA_DIR: cannot create %s: %v", spool, err)
	}
	// Uploads a crash interrupted; a day old, so that another process's
	// upload in progress is never taken.
	if old, err := os.ReadDir(spool); err == nil {
		for _, e := range old {
			if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > 24*time.Hour {
				os.Remove(filepath.Join(spool, e.Name()))
			}
		}
	}
	var blobs files.Blobs = files.Local{Dir: filepath.Join(m.Config.DataDir, "files")}
	if c.Endpoint != "" {
		s3, err := files.OpenS3(ctx, files.S3Config{Endpoint: c.Endpoint, Bucket: c.Bucket, AccessKey: c.AccessKey,
			SecretKey: c.SecretKey, Region: c.Region, UseTLS: c.UseTLS})
		if err != nil {
			return nil, err
		}
		blobs = s3
		m.Logger.Info("uploaded files are kept in an S3-compatible bucket", "endpoint", c.Endpoint, "bucket", c.Bucket)
	}
	return &files.Service{DB: m.DB, Blobs: blobs, Clock: m.Clock, TempDir: spool}, nil
}
