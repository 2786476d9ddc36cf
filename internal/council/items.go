package council

import (
	"context"
	"io"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/files"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/search"
)

// ItemInput is what a form or the API says of an agenda item.
type ItemInput struct {
	Title             string
	CaseNumber        string
	Topic             string
	Background        string
	Recommendation    string
	Decision          string
	DecisionType      string
	LegalBasis        string
	Economic          string
	OtherConsequences string
	Hearing           []Hearing
	Earlier           []Earlier
	Links             []Link
	Closed            bool
}

// Validate checks in, naming the field of the first problem.
func (in *ItemInput) Validate() error {
	in.Title, in.CaseNumber = strings.TrimSpace(in.Title), strings.TrimSpace(in.CaseNumber)
	if in.Title == "" {
		return app.Errorf(app.EInvalid, "error.required").WithField("title")
	}
	if in.DecisionType != "" && !validKind(DecisionTypes, in.DecisionType) {
		return app.Errorf(app.EInvalid, "council.error.decision_type").WithField("decision_type")
	}
	for _, f := range []struct {
		field, v string
		max      int
	}{{"title", in.Title, MaxShort}, {"case_number", in.CaseNumber, MaxShort}, {"topic", in.Topic, MaxText},
		{"background", in.Background, MaxText}, {"recommendation", in.Recommendation, MaxText}, {"decision", in.Decision, MaxText},
		{"legal_basis", in.LegalBasis, MaxText}, {"economic", in.Economic, MaxText}, {"other_consequences", in.OtherConsequences, MaxText}} {
		if err := tooLong(f.field, f.v, f.max); err != nil {
			return err
		}
	}
	if len(in.Hearing) > MaxRoute || len(in.Earlier) > MaxRoute || len(in.Links) > MaxRoute {
		return app.Errorf(app.EInvalid, "council.error.too_many_rows", "max", MaxRoute).WithField("hearing")
	}
	var hearing []Hearing
	for _, h := range in.Hearing {
		h.Body = strings.TrimSpace(h.Body)
		if h.Body == "" && h.Date == nil {
			continue
		}
		switch {
		case h.Body == "":
			return app.Errorf(app.EInvalid, "council.error.body_required").WithField("hearing")
		case h.Role != "" && !validKind(HearingRoles, h.Role):
			return app.Errorf(app.EInvalid, "council.error.hearing_role").WithField("hearing")
		}
		if err := tooLong("hearing", h.Body, MaxShort); err != nil {
			return err
		}
		hearing = append(hearing, h)
	}
	in.Hearing = hearing
	var earlier []Earlier
	for _, e := range in.Earlier {
		e.Body, e.Item, e.Text = strings.TrimSpace(e.Body), strings.TrimSpace(e.Item), strings.TrimSpace(e.Text)
		if e.Body == "" && e.Text == "" && e.Item == "" && e.Date == nil {
			continue
		}
		if e.Body == "" {
			return app.Errorf(app.EInvalid, "council.error.body_required").WithField("earlier")
		}
		for _, v := range []string{e.Body, e.Item} {
			if err := tooLong("earlier", v, MaxShort); err != nil {
				return err
			}
		}
		if err := tooLong("earlier", e.Text, MaxText); err != nil {
			return err
		}
		earlier = append(earlier, e)
	}
	in.Earlier = earlier
	for _, l := range in.Links {
		if !validKind(LinkKinds, l.Kind) || l.Ref == "" || len(l.Ref) > MaxShort {
			return app.Errorf(app.EInvalid, "council.error.link").WithField("links")
		}
		if err := tooLong("links", l.Title, MaxShort); err != nil {
			return err
		}
	}
	return nil
}

func (in *ItemInput) apply(it *Item) {
	it.Title, it.CaseNumber, it.Topic, it.Background = in.Title, in.CaseNumber, strings.TrimSpace(in.Topic), strings.TrimSpace(in.Background)
	it.Recommendation, it.Decision, it.DecisionType = strings.TrimSpace(in.Recommendation), strings.TrimSpace(in.Decision), in.DecisionType
	it.LegalBasis, it.Economic, it.OtherConsequences = strings.TrimSpace(in.LegalBasis), strings.TrimSpace(in.Economic), strings.TrimSpace(in.OtherConsequences)
	it.HearingJSON, it.EarlierJSON, it.LinksJSON = encodeList(in.Hearing), encodeList(in.Earlier), encodeList(in.Links)
	it.Closed = in.Closed
	it.SearchText = search.Fold(strings.Join([]string{it.Title, it.CaseNumber, it.Topic, it.Background, it.Recommendation,
		it.Decision, it.LegalBasis, it.Economic, it.OtherConsequences}, "\n"))
}

// ItemInputOf answers it as a form's input.
func ItemInputOf(it *Item) ItemInput {
	return ItemInput{Title: it.Title, CaseNumber: it.CaseNumber, Topic: it.Topic, Background: it.Background,
		Recommendation: it.Recommendation, Decision: it.Decision, DecisionType: it.DecisionType, LegalBasis: it.LegalBasis,
		Economic: it.Economic, OtherConsequences: it.OtherConsequences, Hearing: it.Route(), Earlier: it.EarlierDecisions(),
		Links: it.Links(), Closed: it.Closed}
}

func items(ctx context.Context, idb bun.IDB, orgID, meetingID int64) ([]*Item, error) {
	var out []*Item
	ctx, a := db.Bind(ctx, idb, orgID, meetingID) // on every meeting page: planned once a connection
	err := idb.NewSelect().Model(&out).ExcludeColumn("search_text").Where("org_id = ? AND meeting_id = ?", a...).
		OrderExpr("position, id").Limit(MaxItems).Scan(ctx)
	return out, err
}

func getItem(ctx context.Context, idb bun.IDB, orgID, meetingID, id int64, it *Item) error {
	return db.Err(idb.NewSelect().Model(it).ExcludeColumn("search_text").
		Where("org_id = ? AND meeting_id = ? AND id = ?", orgID, meetingID, id).Scan(ctx), "council.error.item_not_found")
}

// AddItem adds an item at the end of a meeting's agenda.
func (s *Service) AddItem(ctx context.Context, o *org.Organisation, councilID, meetingID int64, rev int, in ItemInput) (*Item, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	it := &Item{OrgID: o.ID, CouncilID: councilID, MeetingID: meetingID}
	_, err := s.meetingEdit(ctx, o, councilID, meetingID, rev, true, func(ctx context.Context, tx bun.Tx, m *Meeting, now time.Time) error {
		if m.Status == MeetingCancelled {
			return app.Errorf(app.EConflict, "council.error.status")
		}
		n, err := tx.NewSelect().Model((*Item)(nil)).Where("org_id = ? AND meeting_id = ?", o.ID, meetingID).Count(ctx)
		if err != nil {
			return err
		}
		if n >= MaxItems {
			return app.Errorf(app.EInvalid, "council.error.too_many_items", "max", MaxItems)
		}
		in.apply(it)
		it.Position, it.CreatedAt, it.UpdatedAt = int(n), now, now
		if _, err := tx.NewInsert().Model(it).Returning("id").Exec(ctx); err != nil {
			return err
		}
		return amended(ctx, tx, o.ID, meetingID, now)
	})
	return it, err
}

// GetItem answers item id of a meeting.
func (s *Service) GetItem(ctx context.Context, o *org.Organisation, meetingID, id int64) (*Item, error) {
	it := new(Item)
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		return getItem(ctx, idb, o.ID, meetingID, id, it)
	})
	return it, err
}

// UpdateItem changes an item; approved minutes lock it (a correction
// opens it again), and a change to circulated minutes marks them amended.
func (s *Service) UpdateItem(ctx context.Context, o *org.Organisation, councilID, meetingID, id int64, rev int, in ItemInput) (*Item, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	it := new(Item)
	_, err := s.meetingEdit(ctx, o, councilID, meetingID, rev, true, func(ctx context.Context, tx bun.Tx, m *Meeting, now time.Time) error {
		if err := getItem(ctx, tx, o.ID, meetingID, id, it); err != nil {
			return err
		}
		wasClosed := it.Closed
		in.apply(it)
		it.UpdatedAt = now
		if _, err := tx.NewUpdate().Model(it).ExcludeColumn("org_id", "id", "council_id", "meeting_id", "position", "created_at").
			Where("org_id = ? AND id = ?", o.ID, id).Exec(ctx); err != nil {
			return err
		}
		if wasClosed != it.Closed {
			c := new(Council)
			if err := getCouncil(ctx, tx, o.ID, councilID, c); err != nil {
				return err
			}
			if err := s.revisibleFollowUps(ctx, tx, c, now); err != nil {
				return err
			}
		}
		return amended(ctx, tx, o.ID, meetingID, now)
	})
	return it, err
}

// RemoveItem takes an item off an agenda with its attachments and
// follow-up actions; the items after it move up.
func (s *Service) RemoveItem(ctx context.Context, o *org.Organisation, councilID, meetingID, id int64, rev int) error {
	_, err := s.meetingEdit(ctx, o, councilID, meetingID, rev, true, func(ctx context.Context, tx bun.Tx, m *Meeting, now time.Time) error {
		it := new(Item)
		if err := getItem(ctx, tx, o.ID, meetingID, id, it); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Model((*Item)(nil)).Where("org_id = ? AND id = ?", o.ID, id).Exec(ctx); err != nil {
			return err
		}
		if _, err := tx.NewUpdate().Model((*Item)(nil)).Set("position = position - 1").
			Where("org_id = ? AND meeting_id = ? AND position > ?", o.ID, meetingID, it.Position).Exec(ctx); err != nil {
			return err
		}
		return amended(ctx, tx, o.ID, meetingID, now)
	})
	return err
}

// MoveItem moves an item one place up (by -1) or down (by 1).
func (s *Service) MoveItem(ctx context.Context, o *org.Organisation, councilID, meetingID, id int64, rev, by int) error {
	_, err := s.meetingEdit(ctx, o, councilID, meetingID, rev, true, func(ctx context.Context, tx bun.Tx, m *Meeting, now time.Time) error {
		list, err := items(ctx, tx, o.ID, meetingID)
		if err != nil {
			return err
		}
		i := -1
		for k, it := range list {
			if it.ID == id {
				i = k
			}
		}
		if i < 0 {
			return app.Errorf(app.ENotFound, "council.error.item_not_found")
		}
		j := i + by
		if j < 0 || j >= len(list) || (by != 1 && by != -1) {
			return nil
		}
		list[i], list[j] = list[j], list[i]
		for k, it := range list {
			if it.Position == k {
				continue
			}
			if _, err := tx.NewUpdate().Model((*Item)(nil)).Set("position = ?", k).Where("org_id = ? AND id = ?", o.ID, it.ID).Exec(ctx); err != nil {
				return err
			}
		}
		return amended(ctx, tx, o.ID, meetingID, now)
	})
	return err
}

// AttachmentUse is what an item's attachment may be: a PDF, an office
// document (which content sniffing sees as a ZIP), an image or plain text,
// up to MaxAttachmentBytes.
var AttachmentUse = files.Use{Field: "file", MaxSize: MaxAttachmentBytes,
	Types: []string{"application/pdf", "application/zip", "image/png", "image/jpeg", "text/plain"}}

// Attach stores an uploaded file as an attachment of an item. Its type is
// sniffed from its content (never the uploader's claim) and must be one
// of AttachmentUse's; a larger file is refused before it is stored.
// Uploads are rate limited per user (AttachmentsPerHour).
func (s *Service) Attach(ctx context.Context, o *org.Organisation, a *app.Actor, councilID, meetingID, itemID int64, title, name string, r io.Reader) (*Attachment, error) {
	title = strings.TrimSpace(title)
	if err := tooLong("title", title, MaxShort); err != nil {
		return nil, err
	}
	if a != nil {
		if err := s.Limits.Take(ctx, AttachmentsPerHour, "user:"+itoa(a.UserID)); err != nil {
			return nil, err
		}
	}
	var att *Attachment
	// The meeting is checked before the bytes are read and again when the
	// row is written: nothing is stored for an item that does not exist.
	if _, err := s.GetItem(ctx, o, meetingID, itemID); err != nil {
		return nil, err
	}
	f, err := s.Files.Upload(ctx, name, r, AttachmentUse)
	if err != nil {
		return nil, err
	}
	f.OrgID = o.ID
	if title == "" {
		title = strings.TrimSuffix(f.Name, pathExt(f.Name))
	}
	_, err = s.meetingEdit(ctx, o, councilID, meetingID, 0, true, func(ctx context.Context, tx bun.Tx, m *Meeting, now time.Time) error {
		it := new(Item)
		if err := getItem(ctx, tx, o.ID, meetingID, itemID, it); err != nil {
			return err
		}
		n, err := tx.NewSelect().Model((*Attachment)(nil)).Where("org_id = ? AND item_id = ?", o.ID, itemID).Count(ctx)
		if err != nil {
			return err
		}
		if n >= MaxAttachments {
			return app.Errorf(app.EInvalid, "council.error.too_many_attachments", "max", MaxAttachments).WithField("file")
		}
		if err := files.Insert(ctx, tx, f); err != nil {
			return err
		}
		att = &Attachment{OrgID: o.ID, ItemID: itemID, FileID: f.ID, Title: title, Position: int(n), Name: f.Name, ContentType: f.ContentType, Size: f.Size}
		if _, err := tx.NewInsert().Model(att).Exec(ctx); err != nil {
			return err
		}
		return amended(ctx, tx, o.ID, meetingID, now)
	})
	return att, err
}

// Detach removes an attachment from an item.
func (s *Service) Detach(ctx context.Context, o *org.Organisation, councilID, meetingID, itemID, fileID int64) error {
	_, err := s.meetingEdit(ctx, o, councilID, meetingID, 0, true, func(ctx context.Context, tx bun.Tx, m *Meeting, now time.Time) error {
		it := new(Item)
		if err := getItem(ctx, tx, o.ID, meetingID, itemID, it); err != nil {
			return err
		}
		res, err := tx.NewDelete().Model((*Attachment)(nil)).Where("org_id = ? AND item_id = ? AND file_id = ?", o.ID, itemID, fileID).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return app.Errorf(app.ENotFound, "council.error.attachment_not_found")
		}
		return amended(ctx, tx, o.ID, meetingID, now)
	})
	return err
}

func attachments(ctx context.Context, idb bun.IDB, orgID int64, itemIDs []int64) ([]*Attachment, error) {
	var out []*Attachment
	if len(itemIDs) == 0 {
		return out, nil
	}
	in, items := db.AnyOf(idb, "cf.item_id", itemIDs)
	ctx, a := db.Bind(ctx, idb, orgID, items)
	err := idb.NewSelect().Model(&out).ColumnExpr("cf.*, f.name, f.content_type, f.size").
		Join("JOIN files AS f ON f.org_id = cf.org_id AND f.id = cf.file_id").
		Where("cf.org_id = ? AND "+in, a...).OrderExpr("cf.item_id, cf.position, cf.file_id").Scan(ctx)
	return out, err
}

// OpenAttachment answers an item's attachment and its content, which the
// caller closes; public says the reader is the public: then only an
// attachment of an item that is not closed, on a meeting of a public
// council whose agenda or minutes are published, is found (anything else
// is app.ENotFound, as for a file that does not exist).
func (s *Service) OpenAttachment(ctx context.Context, o *org.Organisation, councilID, meetingID, itemID, fileID int64, public bool) (*files.File, io.ReadCloser, error) {
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		it := new(Item)
		if err := getItem(ctx, idb, o.ID, meetingID, itemID, it); err != nil {
			return err
		}
		if it.CouncilID != councilID {
			return app.Errorf(app.ENotFound, "council.error.item_not_found")
		}
		if public {
			if err := publicItem(ctx, idb, o, councilID, meetingID, it); err != nil {
				return err
			}
		}
		n, err := idb.NewSelect().Model((*Attachment)(nil)).Where("org_id = ? AND item_id = ? AND file_id = ?", o.ID, itemID, fileID).Count(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return app.Errorf(app.ENotFound, "council.error.attachment_not_found")
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return s.Files.Open(ctx, o.ID, fileID)
}

// publicItem answers app.ENotFound unless the public may see item it: the
// council is public, the item is not closed, and the meeting's agenda is
// published (AgendaPublic: an item on it) or its published minutes hold
// the item.
func publicItem(ctx context.Context, idb bun.IDB, o *org.Organisation, councilID, meetingID int64, it *Item) error {
	notFound := app.Errorf(app.ENotFound, "council.error.item_not_found")
	c := new(Council)
	if err := getCouncil(ctx, idb, o.ID, councilID, c); err != nil {
		return err
	}
	m := new(Meeting)
	if err := getMeeting(ctx, idb, o.ID, councilID, meetingID, m); err != nil {
		return err
	}
	if !c.Public() || it.Closed {
		return notFound
	}
	doc, err := publishedDoc(ctx, idb, o.ID, meetingID)
	if err != nil {
		return err
	}
	if doc == nil {
		if m.AgendaPublic() {
			return nil
		}
		return notFound
	}
	for _, di := range doc.Items {
		if di.ID == it.ID && !di.Closed {
			return nil
		}
	}
	return notFound
}

func pathExt(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 && len(name)-i <= 6 {
		return name[i:]
	}
	return ""
}
