package web

// councilAPIRoutes registers the councils API under
// /api/v1/orgs/{slug}/councils.
func (s *Server) councilAPIRoutes() {}
