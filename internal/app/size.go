package app

import "fmt"

// ByteSize writes a byte count for people in whole units, which read the
// same in every language: "64 KB", "4 MB", "1088 KB". Limits in error
// messages are written with it, so that one limit reads the same on every
// page.
func ByteSize(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", (n+1023)>>10)
}
