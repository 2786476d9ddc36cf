package app

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
)

// Sealer encrypts small secrets kept in the database (second-factor
// secrets, single sign-on client secrets) with a key derived from
// SAMVIRKE_SECRET_KEY, using AES-256-GCM.
type Sealer struct{ aead cipher.AEAD }

// NewSealer derives the sealing key from secretKey.
func NewSealer(secretKey string) (*Sealer, error) {
	k := sha256.Sum256([]byte("samvirke seal v1\x00" + secretKey))
	block, err := aes.NewCipher(k[:])
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

// Seal encrypts plain.
func (s *Sealer) Seal(plain string) string {
	nonce := make([]byte, s.aead.NonceSize())
	rand.Read(nonce)
	return base64.RawStdEncoding.EncodeToString(s.aead.Seal(nonce, nonce, []byte(plain), nil))
}

// Open decrypts what Seal made; it fails on anything else.
func (s *Sealer) Open(sealed string) (string, error) {
	b, err := base64.RawStdEncoding.DecodeString(sealed)
	if err != nil || len(b) < s.aead.NonceSize() {
		return "", errors.New("app: sealed value is malformed")
	}
	plain, err := s.aead.Open(nil, b[:s.aead.NonceSize()], b[s.aead.NonceSize():], nil)
	if err != nil {
		return "", errors.New("app: sealed value does not open with this key")
	}
	return string(plain), nil
}
