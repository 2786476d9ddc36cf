package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/files"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/workbook"
)

// NavWorkbooks leads to the organisation's workbooks (a network's templates).
var NavWorkbooks = NavEntry{Key: "workbooks", Label: "workbook.title.plural", Path: orgPath("/workbooks"), Order: 20}

type workbookRef = workbook.Ref

type workbooksPage struct {
	Layout
	CanEdit   bool
	Org       *org.Organisation
	Books     []workbookRef
	Templates []*workbook.Template // a network's own templates
	// Cycles are a network's running cycles a version can be added to,
	// by template id: those running an older or the same version of it.
	Cycles map[int64][]*workbook.Cycle
}

// handleWorkbooks lists a municipality's workbooks, or a network's
// templates.
func (s *Server) handleWorkbooks(c *gin.Context) error {
	o := orgOf(c)
	data := &workbooksPage{Org: o, Layout: Layout{Nav: "workbooks"}, CanEdit: s.allowed(c, authz.ContentWrite)}
	l, err := s.Workbooks.WorkbookList(c.Request.Context(), o)
	if err != nil {
		return err
	}
	data.Books, data.Templates, data.Cycles = l.Books, l.Templates, map[int64][]*workbook.Cycle{}
	byID := map[int64]*workbook.Template{}
	for _, t := range l.Templates {
		byID[t.ID] = t
	}
	for _, cy := range l.Cycles {
		cur := byID[cy.TemplateID]
		for _, t := range l.Templates {
			if cur != nil && t.Name == cur.Name && t.Version >= cur.Version {
				data.Cycles[t.ID] = append(data.Cycles[t.ID], cy)
			}
		}
	}
	s.render(c, http.StatusOK, "workbook/index.html", data)
	return nil
}

type workbookPage struct {
	Layout
	Org       *org.Organisation
	Ref       workbookRef
	Answered  map[int64]*workbook.Entry // statement → entry
	CanEdit   bool
	CanStatus bool
	Status    map[int64]string              // chapter → status
	Due       map[int64]*workbook.Gathering // chapter → the gathering it is due at
	Statuses  []string
}

// entryLoad says which entries loadWorkbook reads with the workbook (see
// workbook.EntryLoad).
type entryLoad = workbook.EntryLoad

const (
	noEntries  = workbook.NoEntries
	entryHeads = workbook.EntryHeads
	allEntries = workbook.AllEntries
)

// loadWorkbook loads the workbook the path names with its template and
// network, and the entries load says, by statement.
func (s *Server) loadWorkbook(c *gin.Context, load entryLoad) (workbookRef, map[int64]*workbook.Entry, error) {
	id, err := pathID(c, "workbook")
	if err != nil {
		return workbookRef{}, nil, err
	}
	return s.Workbooks.OpenWorkbook(c.Request.Context(), orgOf(c), id, load)
}

func (s *Server) handleWorkbook(c *gin.Context) error {
	id, err := pathID(c, "workbook")
	if err != nil {
		return err
	}
	o := orgOf(c)
	v, err := s.Workbooks.ViewWorkbook(c.Request.Context(), o, id)
	if err != nil {
		return err
	}
	ref := v.Ref
	data := &workbookPage{Org: o, Ref: ref, Answered: v.Answered, CanEdit: s.allowed(c, authz.ContentWrite),
		CanStatus: s.allowed(c, authz.StatusWrite), Statuses: workbook.ChapterStatuses, Status: v.Status, Due: v.Due}
	data.Layout = Layout{Nav: "workbooks", Breadcrumbs: []Crumb{
		{Label: s.Catalog.T(s.locale(c), "workbook.title.plural"), URL: "/o/" + o.Slug + "/workbooks"},
		{Label: ref.Template.Name + " – " + ref.Network.Name}}}
	s.render(c, http.StatusOK, "workbook/show.html", data)
	return nil
}

type entryPage struct {
	formPage
	Org          *org.Organisation
	Ref          workbookRef
	Chapter      *workbook.Chapter
	Statement    *workbook.Statement
	Entry        *workbook.Entry
	Current      *workbook.Entry // on a conflict: what someone else saved
	CanEdit      bool
	BaseURL      string
	Visibility   string
	Goals        []goalRow
	Measures     []measureRow
	Members      []*account.Member // who may be named responsible
	Statuses     []string
	Comments     *commentsView         // nil before the first save
	Peers        []workbook.PeerAnswer // the network peers' shared answers to the statement
	GatheringURL string                // the statement side by side, for a member of the network
	peersRead    bool                  // Peers are read (answerData): showEntry reads them otherwise
	membersRead  bool                  // Members are read (answerData): loadMembers reads them otherwise

	// Responsible names the person responsible for each measure of the
	// entry, by the measure's id, for the read-only table.
	Responsible map[string]string
}

// entryData loads the page of one statement's entry, without the members
// (see loadMembers), the peers' answers and the comments (see showEntry).
func (s *Server) entryData(c *gin.Context) (*entryPage, error) {
	sid, err := pathID(c, "statement")
	if err != nil {
		return nil, err
	}
	ref, entries, err := s.loadWorkbook(c, workbook.StatementEntry(sid))
	if err != nil {
		return nil, err
	}
	return s.entryPageOf(c, ref, entries[sid], sid)
}

// answerData loads the page of an answer as it is shown: entryData with
// the network peers' answers and a page of the comments, read in one unit
// of work (workbook.Service.OpenAnswer); the members are still to load.
func (s *Server) answerData(c *gin.Context) (*entryPage, error) {
	wid, err := pathID(c, "workbook")
	if err != nil {
		return nil, err
	}
	sid, err := pathID(c, "statement")
	if err != nil {
		return nil, err
	}
	before, _ := strconv.ParseInt(c.Query("comments_before"), 10, 64)
	a, err := s.Workbooks.OpenAnswer(c.Request.Context(), orgOf(c), wid, sid, before)
	if err != nil {
		return nil, err
	}
	data, err := s.entryPageOf(c, a.Ref, a.Entry, sid)
	if err != nil {
		return nil, err
	}
	data.Peers, data.peersRead = a.Peers, true
	data.Members, data.membersRead = a.Members, true
	if a.Comments != nil {
		data.Comments = s.commentsOf(c, data.Org.Name, a.Comments, data.BaseURL)
	}
	return data, nil
}

// entryPageOf is the page of the entry to statement sid in ref's workbook
// (e nil: not answered yet).
func (s *Server) entryPageOf(c *gin.Context, ref workbookRef, e *workbook.Entry, sid int64) (*entryPage, error) {
	ch, st := ref.Template.Statement(sid)
	if st == nil {
		return nil, app.Errorf(app.ENotFound, "workbook.error.not_found")
	}
	o := orgOf(c)
	data := &entryPage{Org: o, Ref: ref, Chapter: ch, Statement: st, Entry: e, CanEdit: s.allowed(c, authz.ContentWrite),
		BaseURL: "/o/" + o.Slug + "/workbooks/" + strconv.FormatInt(ref.Workbook.ID, 10) + "/statements/" + strconv.FormatInt(sid, 10)}
	data.Values = map[string]string{}
	data.Visibility = workbook.VisibilityNetwork
	data.Statuses = statuses
	var content workbook.Content
	if data.Entry != nil {
		content = data.Entry.Content
	}
	data.Goals, data.Measures = goalRows(content.Goals, s.locale(c)), measureRows(content.Measures, s.locale(c))
	if data.Entry != nil {
		for k, v := range data.Entry.Content.Answers {
			data.Values[k] = v
		}
		data.Values["notes"] = data.Entry.Content.Notes
		data.Values["version"] = strconv.Itoa(data.Entry.Version)
		data.Visibility = data.Entry.Visibility
	}
	data.Layout = Layout{Nav: "workbooks", Breadcrumbs: []Crumb{
		{Label: s.Catalog.T(s.locale(c), "workbook.title.plural"), URL: "/o/" + o.Slug + "/workbooks"},
		{Label: ref.Template.Name, URL: "/o/" + o.Slug + "/workbooks/" + strconv.FormatInt(ref.Workbook.ID, 10)},
		{Label: st.Title}}}
	return data, nil
}

// loadMembers fills in who may be named responsible for a measure, for
// the pages that edit an entry.
func (s *Server) loadMembers(c *gin.Context, data *entryPage) error {
	if !data.membersRead {
		var err error
		if data.Members, err = s.Accounts.Members(c.Request.Context(), data.Org); err != nil {
			return err
		}
	}
	if data.Entry == nil {
		return nil
	}
	data.Responsible = map[string]string{}
	for _, m := range data.Entry.Content.Measures {
		if m.ResponsibleUser == nil {
			continue
		}
		for _, p := range data.Members {
			if p.ID == *m.ResponsibleUser {
				data.Responsible[m.ID] = nameOf(p)
			}
		}
	}
	return nil
}

// nameOf is how a member is named on a page: the name, or the address.
func nameOf(m *account.Member) string {
	if m.Name != "" {
		return m.Name
	}
	return m.Email
}

func (s *Server) handleWorkbookEntry(c *gin.Context) error {
	data, err := s.answerData(c)
	if err != nil {
		return err
	}
	return s.showEntry(c, data, nil)
}

// showEntry renders the page of an entry with a page of its comments;
// refused, when set, is a refused comment to show again in the form.
func (s *Server) showEntry(c *gin.Context, data *entryPage, refused *refusal) error {
	if err := s.loadMembers(c, data); err != nil {
		return err
	}
	if !data.peersRead {
		if err := s.loadPeers(c, data); err != nil {
			return err
		}
	}
	s.gatheringLink(data)
	status := http.StatusOK
	if data.Entry != nil {
		if data.Comments == nil {
			var err error
			if data.Comments, err = s.comments(c, data.Org.Name, data.Org.ID, data.Entry.ID, data.BaseURL); err != nil {
				return err
			}
		}
		if s.allowed(c, authz.CommentModerate) {
			data.Comments.HideURL = data.BaseURL + "/comments"
		}
		if refused != nil {
			data.Comments.Body, data.Comments.Error, status = refused.Body, refused.Error, refused.Status
		}
	}
	s.render(c, status, "workbook/entry.html", data)
	return nil
}

// handleWorkbookEntrySave saves the answer. When someone else saved meanwhile, the
// page comes back with what the user typed still in the form and the
// other person's version beside it; so it does, with nothing saved, when
// the answer breaks a rule (a field's error next to it).
func (s *Server) handleWorkbookEntrySave(c *gin.Context) error {
	wid, err := pathID(c, "workbook")
	if err != nil {
		return err
	}
	sid, err := pathID(c, "statement")
	if err != nil {
		return err
	}
	base, _ := strconv.Atoi(c.PostForm("version"))
	content := workbook.Content{Answers: map[string]string{}, Notes: c.PostForm("notes")}
	rows := readGoalsMeasures(c, nil) // the service checks that a responsible person is a member
	content.Goals, content.Measures = rows.goals, rows.measures
	for k, v := range c.Request.PostForm {
		if len(v) > 0 {
			content.Answers[k] = v[0] // the service keeps the template's sections
		}
	}
	vis := c.PostForm("visibility")
	if len(rows.errs) > 0 {
		err = app.Errorf(app.EInvalid, "workbook.error.rows")
	} else {
		_, err = s.Workbooks.SaveEntry(c.Request.Context(), orgOf(c), app.ActorFrom(c.Request.Context()), workbook.Save{
			WorkbookID: wid, StatementID: sid, Content: content, Visibility: vis, BaseVersion: base, FromForm: true})
	}
	if err == nil {
		s.setFlash(c, "workbook.saved")
		c.Redirect(http.StatusSeeOther, "/o/"+orgOf(c).Slug+"/workbooks/"+strconv.FormatInt(wid, 10)+"/statements/"+strconv.FormatInt(sid, 10))
		return nil
	}
	code := app.ErrorCode(err)
	if code != app.EConflict && code != app.EInvalid {
		return err
	}
	// Refused: the page again, as it is now, with what the user typed.
	data, lerr := s.entryData(c)
	if lerr != nil {
		return lerr
	}
	if lerr := s.loadMembers(c, data); lerr != nil {
		return lerr
	}
	if lerr := s.loadPeers(c, data); lerr != nil {
		return lerr
	}
	rows.nameOrigins(data.Entry)
	data.Goals, data.Measures = rows.goalRows, rows.measureRows
	for field, key := range rows.errs {
		data.fail(s, c, app.Errorf(app.EInvalid, key).WithField(field))
	}
	for _, sec := range data.Ref.Template.Sections {
		data.Values[sec.Key] = c.PostForm(sec.Key)
	}
	data.Values["notes"], data.Values["version"] = c.PostForm("notes"), c.PostForm("version")
	if code == app.EConflict && data.Entry != nil {
		// Saving again from here overwrites the newer version knowingly.
		data.Current = data.Entry
		data.Values["version"] = strconv.Itoa(data.Current.Version)
	}
	data.Visibility = vis
	if ae := app.AsError(err); ae != nil && ae.Field != "" {
		data.fail(s, c, ae.WithField(rows.field(ae.Field))) // next to the field, and above the form
		err = ae.WithField("")
	}
	data.fail(s, c, err)
	s.render(c, statusOf(code), "workbook/entry.html", data)
	return nil
}

type gatheringPage struct {
	Layout
	Org        *org.Organisation
	View       *workbook.GatheringView
	Tmpl       *workbook.Template
	CanEdit    bool
	All        []*workbook.Section // every section, for the filter
	TemplateID int64
	Selected   string            // the section shown alone; "" for all
	Comment    *gatheringComment // a refused comment, kept
}

// MaxCommentLen is the most characters a comment may have.
func (*gatheringPage) MaxCommentLen() int { return workbook.MaxCommentLen }

// PeerURL is, for a member municipality reading the view, the address of
// a peer's shared answer shown in col (where it can be copied from); ""
// for the coordinator, the own column or a column without an answer.
func (p *gatheringPage) PeerURL(col workbook.GatheringColumn) string {
	if p.Org.Kind != org.KindMunicipality || col.EntryID == 0 || col.OrgID == p.Org.ID {
		return ""
	}
	return fmt.Sprintf("/o/%s/peers/%s/workbooks/%d/statements/%d", p.Org.Slug, col.OrgSlug, col.WorkbookID, p.View.Statement.ID)
}

// gatheringComment is a refused comment of the gathering view: the answer
// it was for ("org:entry") and the text.
type gatheringComment struct {
	Ref string
	refusal
}

// handleWorkbookGoodPractice marks or unmarks a member's shared answer shown in the
// gathering view as good practice (the network's coordinators).
func (s *Server) handleWorkbookGoodPractice(c *gin.Context) error {
	o, tid, v, err := s.gatheringOf(c)
	if err != nil {
		return err
	}
	orgID, _ := strconv.ParseInt(c.PostForm("org"), 10, 64)
	entryID, _ := strconv.ParseInt(c.PostForm("entry"), 10, 64)
	found := false
	for _, col := range v.Columns { // only an answer this view shows
		found = found || col.OrgID == orgID && col.EntryID == entryID && entryID != 0
	}
	if !found {
		return app.Errorf(app.ENotFound, "workbook.error.not_found")
	}
	on := c.PostForm("mark") == "on"
	if err := s.Workbooks.SetGoodPractice(c.Request.Context(), o, app.ActorFrom(c.Request.Context()), orgID, entryID, on); err != nil {
		return err
	}
	s.setFlash(c, "workbook.good_practice_saved")
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/o/%s/templates/%d/statements/%d/gathering", o.Slug, tid, v.Statement.ID))
	return nil
}

// handleWorkbookGatheringComment lets a network's coordinator comment on a
// member's shared answer shown in the gathering view; the comment belongs
// to the answer and shows on the municipality's page.
func (s *Server) handleWorkbookGatheringComment(c *gin.Context) error {
	o, tid, v, err := s.gatheringOf(c)
	if err != nil {
		return err
	}
	orgID, _ := strconv.ParseInt(c.PostForm("org"), 10, 64)
	entryID, _ := strconv.ParseInt(c.PostForm("entry"), 10, 64)
	if ref, ok := c.GetPostForm("entry_ref"); ok { // the page's select: "org:entry"
		a, b, _ := strings.Cut(ref, ":")
		orgID, _ = strconv.ParseInt(a, 10, 64)
		entryID, _ = strconv.ParseInt(b, 10, 64)
	}
	var slug string
	var wb int64
	for _, col := range v.Columns {
		if col.OrgID == orgID && col.EntryID == entryID && entryID != 0 {
			slug, wb = col.OrgSlug, col.WorkbookID
		}
	}
	if slug == "" {
		return app.Errorf(app.ENotFound, "workbook.error.not_found")
	}
	back := fmt.Sprintf("/o/%s/templates/%d/statements/%d/gathering", o.Slug, tid, v.Statement.ID)
	r, err := s.postComment(c, commentTarget{OrgID: orgID, WorkbookID: wb, StatementID: v.Statement.ID, EntryID: entryID, OrgSlug: slug, Back: back})
	if r == nil {
		return err
	}
	return s.showGathering(c, o, tid, v, &gatheringComment{Ref: fmt.Sprintf("%d:%d", orgID, entryID), refusal: *r})
}

// gatheringOf answers the network, template, statement and the gathering
// view named by the path (networks only; elsewhere 404).
func (s *Server) gatheringOf(c *gin.Context) (*org.Organisation, int64, *workbook.GatheringView, error) {
	o, err := s.networkOnly(c)
	if err != nil {
		return nil, 0, nil, err
	}
	tid, err := pathID(c, "template")
	if err != nil {
		return nil, 0, nil, err
	}
	sid, err := pathID(c, "statement")
	if err != nil {
		return nil, 0, nil, err
	}
	v, err := s.Workbooks.GatheringView(c.Request.Context(), o, tid, sid, s.Clock.Now())
	return o, tid, v, err
}

// gatheringRead answers the gathering view named by the path to a reader:
// a network's own, or to a member municipality the view of a network it
// belongs to today (the service decides; elsewhere 404).
func (s *Server) gatheringRead(c *gin.Context) (*org.Organisation, int64, *workbook.GatheringView, error) {
	o := orgOf(c)
	if o.Kind == org.KindNetwork {
		return s.gatheringOf(c)
	}
	tid, err := pathID(c, "template")
	if err != nil {
		return nil, 0, nil, err
	}
	sid, err := pathID(c, "statement")
	if err != nil {
		return nil, 0, nil, err
	}
	_, v, err := s.Workbooks.MemberGatheringView(c.Request.Context(), o, tid, sid)
	return o, tid, v, err
}

// handleWorkbookGatheringExport sends the gathering view as PDF, Word (.docx) or
// XLSX, in the user's language, and records the export in the audit log.
func (s *Server) handleWorkbookGatheringExport(c *gin.Context) error {
	format := c.Param("format")
	ctype, ok := gatheringExportTypes[format]
	if !ok {
		return app.Errorf(app.ENotFound, "error.not_found.text")
	}
	o, _, v, err := s.gatheringRead(c)
	if err != nil {
		return err
	}
	loc := s.locale(c)
	texts := func(key string, args ...any) string { return s.Catalog.T(loc, key, args...) }
	var buf bytes.Buffer
	if format == "xlsx" {
		date := func(t time.Time) string { return i18n.FormatDate(loc, t) }
		if err := v.WriteXLSX(&buf, texts, date, s.Clock.Now()); err != nil {
			return err
		}
	} else {
		doc, err := v.Document(loc, texts, s.Clock.Now())
		if err != nil {
			return err
		}
		write := doc.WritePDF
		if format == "docx" {
			write = doc.WriteDOCX
		}
		if err := write(&buf); err != nil {
			return err
		}
	}
	if err := s.Orgs.Record(c.Request.Context(), o, audit.Export, v.Statement.Title, map[string]string{"format": format, "what": "gathering view"}); err != nil {
		return err
	}
	c.Header("Content-Disposition", files.ContentDisposition("attachment", exportName(v.Network, v.Chapter, s.Clock.Now(), format)))
	c.Data(http.StatusOK, ctype, buf.Bytes())
	return nil
}

// gatheringExportTypes are the gathering view's export formats and their
// content types.
var gatheringExportTypes = map[string]string{
	"pdf":  "application/pdf",
	"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// handleWorkbookGatheringView shows a network's members' shared answers to one
// problem statement side by side (the network's coordinators, and its
// member municipalities).
func (s *Server) handleWorkbookGatheringView(c *gin.Context) error {
	o, tid, v, err := s.gatheringRead(c)
	if err != nil {
		return err
	}
	return s.showGathering(c, o, tid, v, nil)
}

// showGathering renders the gathering view; refused, when set, is a
// refused comment to show again in the form.
func (s *Server) showGathering(c *gin.Context, o *org.Organisation, tid int64, v *workbook.GatheringView, refused *gatheringComment) error {
	page := &gatheringPage{Org: o, View: v, CanEdit: o.Kind == org.KindNetwork && s.allowed(c, authz.ContentWrite), All: v.Sections, Selected: c.Query("section"),
		TemplateID: tid, Comment: refused, Layout: Layout{Nav: "workbooks", Breadcrumbs: []Crumb{
			{Label: s.Catalog.T(s.locale(c), "workbook.title.plural"), URL: "/o/" + o.Slug + "/workbooks"}, {Label: v.Statement.Title}}}}
	if page.Selected != "" { // filter by section
		var only []*workbook.Section
		for _, sec := range v.Sections {
			if sec.Key == page.Selected {
				only = append(only, sec)
			}
		}
		v.Sections = only
	}
	status := http.StatusOK
	if refused != nil {
		status = refused.Status
	}
	s.render(c, status, "workbook/gathering.html", page)
	return nil
}

// exportName is an export's file name: the network, the chapter and the
// day, «Namdal – Kapittel 2 – 2026-12-03.pdf».
func exportName(network, chapter string, day time.Time, ext string) string {
	parts := []string{}
	for _, p := range []string{network, chapter, day.Format(time.DateOnly)} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " – ") + "." + ext
}
