package dbtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// redisDBs are the numbered Redis databases tests may claim (0 holds the
// claim locks).
const redisDBs = 16

// RedisBackend names the Redis the tests run against.
func RedisBackend() string {
	if os.Getenv(EnvRedisURL) != "" {
		return "redis"
	}
	return "embedded"
}

// RedisURL answers a redis:// URL of a Redis database used by this test
// alone: on a real server, a numbered database claimed with a lock (and
// emptied) until the test ends; otherwise a new in-process server.
func RedisURL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(EnvRedisURL)
	if base == "" {
		m := miniredis.NewMiniRedis()
		m.ClockTTL(true)
		if err := m.Start(); err != nil {
			tb.Fatalf("dbtest: in-process Redis: %v", err)
		}
		tb.Cleanup(m.Close)
		return "redis://" + m.Addr() + "/0"
	}
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("dbtest: %s: %v", EnvRedisURL, err)
	}
	ctx := context.Background()
	lock := redis.NewClient(&redis.Options{Addr: u.Host, DB: 0})
	tb.Cleanup(func() { lock.Close() })
	deadline := time.Now().Add(2 * time.Minute)
	for {
		for n := 1; n < redisDBs; n++ {
			key := fmt.Sprintf("samvirke:test:claim:%d", n)
			ok, err := lock.SetNX(ctx, key, os.Getpid(), 20*time.Minute).Result()
			if err != nil {
				tb.Fatalf("dbtest: Redis at %s: %v (is it running? the test command starts it)", u.Host, err)
			}
			if !ok {
				continue
			}
			c := redis.NewClient(&redis.Options{Addr: u.Host, DB: n})
			err = c.FlushDB(ctx).Err()
			c.Close()
			if err != nil {
				tb.Fatalf("dbtest: Redis flush: %v", err)
			}
			tb.Cleanup(func() {
				c := redis.NewClient(&redis.Options{Addr: u.Host, DB: n})
				c.FlushDB(context.Background())
				c.Close()
				lock.Del(context.Background(), key)
			})
			return fmt.Sprintf("redis://%s/%d", u.Host, n)
		}
		if time.Now().After(deadline) {
			tb.Fatalf("dbtest: no free Redis database among %d after 2 minutes", redisDBs-1)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
