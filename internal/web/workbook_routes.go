package web

import (
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/workbook"
)

// workbookRoutes registers the workbook capability's pages (workbooks,
// answers, imports, history, peers, gatherings, templates) and its
// /api/v1 routes.
func (s *Server) workbookRoutes() {
	s.org("GET", "/o/:org/workbooks", authz.ContentRead, s.handleWorkbooks)
	s.org("GET", "/o/:org/workbooks/:workbook", authz.ContentRead, s.handleWorkbook)
	s.org("GET", "/o/:org/workbooks/:workbook/import", authz.ContentWrite, s.handleWorkbookImportForm)
	s.org("POST", "/o/:org/workbooks/:workbook/import", authz.ContentWrite, s.handleWorkbookImport, maxBody(workbook.MaxImportFileBytes+64<<10))
	s.org("GET", "/o/:org/workbooks/:workbook/statements/:statement", authz.ContentRead, s.handleWorkbookEntry)
	s.org("POST", "/o/:org/workbooks/:workbook/statements/:statement", authz.ContentWrite, s.handleWorkbookEntrySave, maxBody(MaxEntryBody))
	s.org("GET", "/o/:org/workbooks/:workbook/statements/:statement/measures/import", authz.ContentWrite, s.handleWorkbookMeasureImportForm)
	s.org("POST", "/o/:org/workbooks/:workbook/statements/:statement/measures/import", authz.ContentWrite, s.handleWorkbookMeasureImport, maxBody(MaxMeasureImportBody))
	s.org("GET", "/o/:org/workbooks/:workbook/statements/:statement/history", authz.ContentRead, s.handleWorkbookEntryHistory)
	s.org("GET", "/o/:org/workbooks/:workbook/statements/:statement/restore", authz.ContentWrite, s.handleWorkbookEntryRestoreConfirm)
	s.org("POST", "/o/:org/workbooks/:workbook/statements/:statement/restore", authz.ContentWrite, s.handleWorkbookEntryRestore)
	s.org("GET", "/o/:org/peers/:peer/workbooks/:workbook/statements/:statement", authz.ContentRead, s.handleWorkbookPeerEntry)
	s.org("POST", "/o/:org/peers/:peer/workbooks/:workbook/statements/:statement/comments", authz.CommentWrite, s.handleWorkbookPeerComment)
	s.org("POST", "/o/:org/peers/:peer/workbooks/:workbook/statements/:statement/copy", authz.ContentWrite, s.handleWorkbookPeerCopy)
	s.org("POST", "/o/:org/workbooks/:workbook/statements/:statement/comments", authz.CommentWrite, s.handleWorkbookEntryComment)
	s.org("POST", "/o/:org/workbooks/:workbook/statements/:statement/comments/:comment/hide", authz.CommentModerate, s.handleWorkbookCommentHide)
	s.org("POST", "/o/:org/workbooks/:workbook/chapters/:chapter/status", authz.StatusWrite, s.handleWorkbookChapterStatus)
	s.org("GET", "/o/:org/gatherings", authz.ContentRead, s.handleWorkbookGatherings)
	s.org("POST", "/o/:org/gatherings", authz.ContentWrite, s.handleWorkbookGatheringCreate)
	s.org("GET", "/o/:org/gatherings/:gathering", authz.ContentRead, s.handleWorkbookGatheringProgress)
	s.org("GET", "/o/:org/members/:member/workbooks/:workbook", authz.ContentRead, s.handleWorkbookMemberWorkbook)
	s.org("GET", "/o/:org/templates/new", authz.ContentWrite, s.handleWorkbookTemplateForm)
	s.org("POST", "/o/:org/templates", authz.ContentWrite, s.handleWorkbookTemplateCreate, maxBody(MaxUploadBody))
	s.org("POST", "/o/:org/templates/:template/publish", authz.ContentWrite, s.handleWorkbookTemplatePublish)
	s.org("GET", "/o/:org/templates/:template/statements/:statement/gathering", authz.ContentRead, s.handleWorkbookGatheringView)
	s.org("GET", "/o/:org/templates/:template/statements/:statement/gathering/export/:format", authz.ContentRead, s.handleWorkbookGatheringExport)
	s.org("POST", "/o/:org/templates/:template/statements/:statement/gathering/good-practice", authz.ContentWrite, s.handleWorkbookGoodPractice)
	s.org("POST", "/o/:org/templates/:template/statements/:statement/gathering/comments", authz.CommentWrite, s.handleWorkbookGatheringComment)

	// JSON API.
	s.org("GET", "/api/v1/orgs/:org/templates", authz.ContentRead, s.handleAPIWorkbookTemplates)
	s.org("GET", "/api/v1/orgs/:org/workbooks", authz.ContentRead, s.handleAPIWorkbooks)
	s.org("GET", "/api/v1/orgs/:org/workbooks/:workbook", authz.ContentRead, s.handleAPIWorkbook)
	s.org("PUT", "/api/v1/orgs/:org/workbooks/:workbook/statements/:statement", authz.ContentWrite, s.handleAPIWorkbookEntrySave, maxBody(MaxEntryBody))
}
