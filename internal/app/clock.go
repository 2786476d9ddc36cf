package app

import "time"

// Clock tells the time. Services take one so tests can fix "now".
type Clock interface{ Now() time.Time }

// SystemClock is the wall clock, in UTC.
type SystemClock struct{}

// Now returns the current time in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }

// FixedClock always answers the same instant; tests move it by assignment.
type FixedClock struct{ T time.Time }

// Now returns c.T.
func (c *FixedClock) Now() time.Time { return c.T }

// ShiftedClock is Clock moved By: the demo loaders use it to record what
// happened days before their start.
type ShiftedClock struct {
	Clock
	By time.Duration
}

// Now returns Clock's now moved by By.
func (c ShiftedClock) Now() time.Time { return c.Clock.Now().Add(c.By) }
