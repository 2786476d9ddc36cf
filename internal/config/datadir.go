package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// PrepareDataDir creates the data directory when missing and proves that it
// is writable. The error names SAMVIRKE_DATA_DIR and what to do.
func (c Config) PrepareDataDir() error {
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return fmt.Errorf("SAMVIRKE_DATA_DIR: cannot create %s: %v; choose a directory this user may write", c.DataDir, errors.Unwrap(err))
	}
	f, err := os.CreateTemp(c.DataDir, ".write-test-*")
	if err != nil {
		return fmt.Errorf("SAMVIRKE_DATA_DIR: %s is not writable (%v); fix its permissions or choose another directory", c.DataDir, errors.Unwrap(err))
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// LoadOrCreateSecretKey returns c.SecretKey, or the key kept in the data
// directory, creating it with 32 random bytes on first use.
func (c Config) LoadOrCreateSecretKey() (string, error) {
	if c.SecretKey != "" {
		return c.SecretKey, nil
	}
	path := filepath.Join(c.DataDir, "secret.key")
	b, err := os.ReadFile(path)
	if err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		return strings.TrimSpace(string(b)), nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("SAMVIRKE_SECRET_KEY: cannot read %s: %v", path, err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	key := hex.EncodeToString(raw)
	if err := os.WriteFile(path, []byte(key+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("SAMVIRKE_SECRET_KEY: cannot write %s: %v; set SAMVIRKE_SECRET_KEY or make the data directory writable", path, err)
	}
	return key, nil
}
