package config_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/samvirke/samvirke/internal/config"
)

func TestFromEnvFilesS3(t *testing.T) {
	t.Parallel()
	secret := filepath.Join(t.TempDir(), "s3-secret")
	if err := os.WriteFile(secret, []byte("from-a-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := mustFromEnv(t, map[string]string{
		"SAMVIRKE_FILES_S3_ENDPOINT":        "minio:9000",
		"SAMVIRKE_FILES_S3_BUCKET":          "samvirke-files",
		"SAMVIRKE_FILES_S3_ACCESS_KEY":      "samvirke",
		"SAMVIRKE_FILES_S3_SECRET_KEY_FILE": secret,
		"SAMVIRKE_FILES_S3_USE_TLS":         "false",
	})
	want := config.FilesS3{Endpoint: "minio:9000", Bucket: "samvirke-files", AccessKey: "samvirke", SecretKey: "from-a-file"}
	if c.FilesS3 != want {
		t.Errorf("FilesS3 = %+v; want %+v", c.FilesS3, want)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("a complete S3 setting does not validate: %v", err)
	}
	if d := mustFromEnv(t, nil); d.FilesS3.Endpoint != "" || !d.FilesS3.UseTLS {
		t.Errorf("default FilesS3 = %+v; want no endpoint (the data directory) and TLS on once one is set", d.FilesS3)
	}
}
