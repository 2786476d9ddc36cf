package web

// councilMeetingRoutes registers a meeting's page: its agenda items,
// attendance, attachments, follow-up actions and the minutes' steps.
func (s *Server) councilMeetingRoutes() {}
