package account

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/samvirke/samvirke/internal/app"
)

// Argon2id parameters: 7 MiB of memory, five passes, one lane, the last of
// the five configurations OWASP's Password Storage Cheat Sheet lists as
// giving an equal level of defence (46 MiB × 1, 19 MiB × 2, 12 MiB × 3,
// 9 MiB × 4, 7 MiB × 5), trading memory for passes. A web process that
// must stay within 150 MB while people sign in is better served by the
// small end: the same CPU a hash (about 35 MiB-passes either way), a
// third of the memory. The parameters are stored with every hash; a hash
// made with others still checks, and is replaced at a successful sign-in
// when a turn is free (Service.rehash, NeedsRehash).
const (
	argonMemory  = 7 * 1024
	argonTime    = 5
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// KeyFunc derives a key from a password as argon2.IDKey does. ctx is the
// caller's: the real one ignores it, fakes in tests inspect it.
type KeyFunc func(ctx context.Context, password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte

func argonKey(_ context.Context, password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
	return argon2.IDKey(password, salt, time, memory, threads, keyLen)
}

// DefaultHashWait is how long a Hasher's caller waits for a turn by
// default.
const DefaultHashWait = 5 * time.Second

// KeyBusy is the translation key of the error a Hasher answers when no
// turn came within its wait.
const KeyBusy = "auth.error.busy"

// Hasher hashes and checks passwords with argon2id, at most Limit at a
// time: each takes 7 MiB and a core for tens of milliseconds, so sixty
// simultaneous sign-ins would otherwise take more than a gigabyte and
// starve every other request. By default one core is left to the rest of
// the program: measured with 60 simultaneous sign-ins on two cores, that
// kept other requests near their idle latency and finished the sign-ins
// no later than hashing on both cores (README, "Performance"). A caller
// waits at most Wait for its turn, then gets an app.ETooMany error (key
// KeyBusy, "retry_after" in seconds). Hash and Check must never be called
// inside a database transaction: the wait and the work would hold its
// locks and connection.
//
// The zero value is ready to use. Set the fields before first use.
type Hasher struct {
	// Limit is how many hashes may run at once; 0 means one fewer than
	// the cores Go runs on (GOMAXPROCS), at least one.
	Limit int
	// Wait is how long a caller waits for a turn; 0 means DefaultHashWait.
	Wait time.Duration
	// Key derives the key; nil means argon2id. Tests put a fake here.
	Key KeyFunc

	once    sync.Once
	slots   chan struct{}
	waiting atomic.Int32
}

func (h *Hasher) init() {
	h.once.Do(func() {
		n := h.Limit
		if n <= 0 {
			n = max(1, runtime.GOMAXPROCS(0)-1)
		}
		h.slots = make(chan struct{}, n)
		if h.Wait <= 0 {
			h.Wait = DefaultHashWait
		}
		if h.Key == nil {
			h.Key = argonKey
		}
	})
}

// Waiting answers how many callers wait for a turn now.
func (h *Hasher) Waiting() int { return int(h.waiting.Load()) }

// tryAcquire takes a turn if one is free now.
func (h *Hasher) tryAcquire() (release func(), ok bool) {
	h.init()
	select {
	case h.slots <- struct{}{}:
		return func() { <-h.slots }, true
	default:
		return nil, false
	}
}

// acquire waits for a turn, at most Wait or until ctx ends. The request
// ctx belongs to first gives back its turn to compute (app.LeaveTurn): in
// a burst of sign-ins, those waiting for a hash must not keep every other
// request waiting too.
func (h *Hasher) acquire(ctx context.Context) (release func(), err error) {
	app.LeaveTurn(ctx)
	if release, ok := h.tryAcquire(); ok {
		return release, nil
	}
	h.waiting.Add(1)
	defer h.waiting.Add(-1)
	t := time.NewTimer(h.Wait)
	defer t.Stop()
	select {
	case h.slots <- struct{}{}:
		return func() { <-h.slots }, nil
	case <-t.C:
		secs := int(math.Ceil(h.Wait.Seconds()))
		return nil, app.Errorf(app.ETooMany, KeyBusy, "seconds", secs, "retry_after", secs)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Hash returns an argon2id hash of password in the PHC string format.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	release, err := h.acquire(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	return hashWith(ctx, h.Key, password)
}

// HashIfFree hashes password as Hash does if a turn is free now, and
// answers ok false without waiting if none is: for work that may as well
// be done later, such as replacing an older hash.
func (h *Hasher) HashIfFree(ctx context.Context, password string) (hash string, ok bool, err error) {
	release, ok := h.tryAcquire()
	if !ok {
		return "", false, nil
	}
	defer release()
	hash, err = hashWith(ctx, h.Key, password)
	return hash, err == nil, err
}

// Check reports whether password matches hash, in constant time.
func (h *Hasher) Check(ctx context.Context, hash, password string) (bool, error) {
	release, err := h.acquire(ctx)
	if err != nil {
		return false, err
	}
	defer release()
	return checkWith(ctx, h.Key, hash, password), nil
}

// HashPassword returns an argon2id hash in the PHC string format, without
// a Hasher's bound: for start-up work and fixtures, never for requests.
func HashPassword(password string) (string, error) {
	return hashWith(context.Background(), argonKey, password)
}

func hashWith(ctx context.Context, key KeyFunc, password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	k := key(ctx, []byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return "$argon2id$" + argonVersion + "$" + argonParams + "$" + b64.EncodeToString(salt) + "$" + b64.EncodeToString(k), nil
}

func checkWith(ctx context.Context, key KeyFunc, hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil {
		return false
	}
	got := key(ctx, []byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// argonVersion and argonParams are the version and parameter fields of a
// hash made now.
var (
	argonVersion = fmt.Sprintf("v=%d", argon2.Version)
	argonParams  = fmt.Sprintf("m=%d,t=%d,p=%d", argonMemory, argonTime, argonThreads)
)

// NeedsRehash reports whether hash was made other than Hash makes one
// now: another algorithm's version or other parameters. A password that
// has just checked against it should be hashed again.
func NeedsRehash(hash string) bool {
	parts := strings.Split(hash, "$")
	return len(parts) != 6 || parts[1] != "argon2id" || parts[2] != argonVersion ||
		parts[3] != argonParams || len(parts[5]) != base64.RawStdEncoding.EncodedLen(argonKeyLen)
}

// dummyHash is checked against when no user matches, so a sign-in for an
// unknown address takes as long as one with a wrong password.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("no such user")
	return h
})
