package account

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/search"
)

// MemberSearch finds an organisation's members by name or address, for
// those who may read the member list.
type MemberSearch struct{}

// Search answers matching members.
func (MemberSearch) Search(ctx context.Context, idb bun.IDB, q search.Query) ([]search.Hit, error) {
	if q.Allowed == nil || !q.Allowed("members", "read") {
		return nil, nil
	}
	members, err := FindMembers(ctx, idb, q.OrgID)
	if err != nil {
		return nil, err
	}
	var hits []search.Hit
	for _, m := range members {
		if search.Matches(q.Text, m.Name, m.Email) {
			hits = append(hits, search.Hit{Kind: "member", Title: m.Name, Detail: m.Email,
				URL: fmt.Sprintf("/o/%s/admin/members#member-%d", q.OrgSlug, m.ID)})
		}
	}
	return hits, nil
}
