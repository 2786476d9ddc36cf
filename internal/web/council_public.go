package web

// councilPublicRoutes registers the public pages of public councils:
// meetings, published agendas and minutes, attachments, calendars.
func (s *Server) councilPublicRoutes() {}
