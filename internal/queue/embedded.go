package queue

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
)

// Embedded is the in-process Redis-compatible server of the embedded
// default. miniredis keeps everything in memory; Save writes its keys to a
// JSON file and StartEmbedded loads them again, so a restart loses no
// queued, scheduled or retrying task.
type Embedded struct {
	m    *miniredis.Miniredis
	path string
	log  *slog.Logger
	mu   sync.Mutex
	stop chan struct{}
	done chan struct{}
}

// StartEmbedded starts the server on a random loopback port and restores
// the snapshot at path, if any. It saves a snapshot every 30 seconds too, so
// a crash loses at most that much.
func StartEmbedded(path string, log *slog.Logger) (*Embedded, error) {
	m := miniredis.NewMiniRedis()
	m.ClockTTL(true) // expire keys on the wall clock, as Redis does
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		return nil, err
	}
	e := &Embedded{m: m, path: path, log: log, stop: make(chan struct{}), done: make(chan struct{})}
	if path != "" {
		if err := e.restore(); err != nil {
			m.Close()
			return nil, fmt.Errorf("restore %s: %w", path, err)
		}
		go e.saveEvery(30 * time.Second)
	} else {
		close(e.done)
	}
	return e, nil
}

// Addr is the host:port clients connect to.
func (e *Embedded) Addr() string { return e.m.Addr() }

// Close stops the periodic snapshots and the server. Call Save first to keep
// the contents.
func (e *Embedded) Close() {
	select {
	case <-e.stop:
	default:
		close(e.stop)
	}
	<-e.done
	e.m.Close()
}

func (e *Embedded) saveEvery(d time.Duration) {
	defer close(e.done)
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-e.stop:
			return
		case <-t.C:
			if err := e.Save(); err != nil {
				e.log.Error("queue: snapshot of embedded server failed", "err", err)
			}
		}
	}
}

type snapshotKey struct {
	Type  string             `json:"type"`
	TTLms int64              `json:"ttl_ms,omitempty"`
	Str   string             `json:"str,omitempty"`
	Hash  map[string]string  `json:"hash,omitempty"`
	List  []string           `json:"list,omitempty"`
	Set   []string           `json:"set,omitempty"`
	ZSet  map[string]float64 `json:"zset,omitempty"`
}

// Save writes every key of database 0 to the snapshot file atomically.
func (e *Embedded) Save() error {
	if e.path == "" {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	snap := map[string]snapshotKey{}
	for _, k := range e.m.Keys() {
		s := snapshotKey{Type: e.m.Type(k)}
		var err error
		switch s.Type {
		case "string":
			s.Str, err = e.m.Get(k)
		case "hash":
			var fields []string
			fields, err = e.m.HKeys(k)
			s.Hash = make(map[string]string, len(fields))
			for _, f := range fields {
				s.Hash[f] = e.m.HGet(k, f)
			}
		case "list":
			s.List, err = e.m.List(k)
		case "set":
			s.Set, err = e.m.Members(k)
		case "zset":
			s.ZSet, err = e.m.SortedSet(k)
		case "":
			continue // expired between Keys and Type
		default:
			return fmt.Errorf("queue: snapshot: key %q has unsupported type %s", k, s.Type)
		}
		if errors.Is(err, miniredis.ErrKeyNotFound) {
			continue
		}
		if err != nil {
			return fmt.Errorf("queue: snapshot %q: %w", k, err)
		}
		if ttl := e.m.TTL(k); ttl > 0 {
			s.TTLms = ttl.Milliseconds()
		}
		snap[k] = s
	}
	b, err := json.Marshal(snap)
	if err != nil {
		return err
	}
	tmp := e.path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, e.path)
}

func (e *Embedded) restore() error {
	b, err := os.ReadFile(e.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var snap map[string]snapshotKey
	if err := json.Unmarshal(b, &snap); err != nil {
		return err
	}
	for k, s := range snap {
		switch s.Type {
		case "string":
			err = e.m.Set(k, s.Str)
		case "hash":
			for f, v := range s.Hash {
				e.m.HSet(k, f, v)
			}
		case "list":
			if len(s.List) > 0 {
				_, err = e.m.RPush(k, s.List...)
			}
		case "set":
			if len(s.Set) > 0 {
				_, err = e.m.SetAdd(k, s.Set...)
			}
		case "zset":
			for member, score := range s.ZSet {
				if _, err = e.m.ZAdd(k, score, member); err != nil {
					break
				}
			}
		}
		if err != nil {
			return fmt.Errorf("key %q: %w", k, err)
		}
		if s.TTLms > 0 {
			e.m.SetTTL(k, time.Duration(s.TTLms)*time.Millisecond)
		}
	}
	return nil
}
