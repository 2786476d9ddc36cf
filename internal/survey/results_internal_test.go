package survey

import "context"

// NetworkRosesFor exposes networkRoses to the external tests: the results
// of network netID's questionnaire qID in year as member reader sees them
// on the axes of the questionnaire (reader 0: the network's coordinators).
func (s *Service) NetworkRosesFor(ctx context.Context, netID, qID int64, year int, reader int64) (*NetworkRoses, error) {
	return s.networkRoses(ctx, netID, qID, year, nil, reader)
}
