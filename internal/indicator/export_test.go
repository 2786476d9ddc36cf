package indicator

import "context"

// BuildTurns answers how many universes a service builds at once.
func BuildTurns() int { return buildTurns() }

// HoldBuildTurns takes every one of s's turns to build universes, as
// requests building them would; next gives one back at a time.
func HoldBuildTurns(s *Service) (next func()) {
	var leaves []func()
	for range buildTurns() {
		leave, err := s.builds.enter(context.Background())
		if err != nil {
			panic(err)
		}
		leaves = append(leaves, leave)
	}
	return func() {
		if len(leaves) > 0 {
			leaves[0]()
			leaves = leaves[1:]
		}
	}
}
