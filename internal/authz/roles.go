package authz

import (
	"errors"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/casbin/casbin/v2/log"
	"github.com/casbin/casbin/v2/rbac"
)

// maxHierarchy bounds how far a role may inherit another, as casbin's own
// role manager does (its default is 10).
const maxHierarchy = 10

// roleLinks is the enforcer's role manager: which roles a name holds in
// which domain (organisation). Casbin's default role manager keeps a graph
// of role objects, each with concurrent maps, about 1.2 kB a membership:
// 17.5 MB of the live heap for the 15 000 memberships of the scale data
// set, built again on every reload. Names and domains match exactly:
// Samvirke's policy uses no patterns.
//
// It holds links in two layers:
//   - members: each membership's role by the numbers of its user and
//     organisation, set whole by the enforcer from the memberships table
//     (setMembers) and never touched by casbin (whose reload clears what
//     it added and adds its grouping rules again). Twenty-odd bytes a
//     membership and one string per role name; casbin's model never holds
//     them as rules, so a reload does not copy them.
//   - roles: the links casbin adds (AddLink) from grouping rules, as a set
//     of (name, domain) → roles. Samvirke's policy has none; the layer
//     keeps this a complete role manager.
type roleLinks struct {
	mu      sync.RWMutex
	members map[member]string
	roles   map[nameIn][]string
}

// nameIn is a user (or role) in a domain.
type nameIn struct{ name, dom string }

// member is a user in an organisation, by their numbers.
type member struct{ user, org int64 }

var _ rbac.RoleManager = (*roleLinks)(nil)

var errOneDomain = errors.New("authz: a role link is in exactly one domain")

func newRoleLinks() *roleLinks { return &roleLinks{roles: map[nameIn][]string{}} }

// memberOf answers the member that name and dom stand for, when name is a
// user's subject and dom an organisation's domain exactly as userSub and
// orgDom write them.
func memberOf(name, dom string) (member, bool) {
	u, ok := numberAfter(name, "user:")
	if !ok {
		return member{}, false
	}
	o, ok := numberAfter(dom, "org:")
	return member{u, o}, ok
}

// numberAfter answers the positive number s holds after prefix, written
// as strconv.FormatInt writes it (no sign, no leading zero), up to the
// largest int64.
func numberAfter(s, prefix string) (int64, bool) {
	digits, ok := strings.CutPrefix(s, prefix)
	if !ok || digits == "" || digits[0] == '0' {
		return 0, false
	}
	var n int64
	for i := range len(digits) {
		c := digits[i]
		if c < '0' || c > '9' || n > (math.MaxInt64-int64(c-'0'))/10 {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// setMembers makes members the memberships' layer, whole.
func (r *roleLinks) setMembers(members map[member]string) {
	r.mu.Lock()
	r.members = members
	r.mu.Unlock()
}

// count answers the number of memberships held.
func (r *roleLinks) count() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.members)
}

func oneDomain(domain []string) (string, error) {
	if len(domain) != 1 {
		return "", errOneDomain
	}
	return domain[0], nil
}

// linkOf answers where name's roles in the one domain are kept.
func linkOf(name string, domain []string) (nameIn, error) {
	dom, err := oneDomain(domain)
	return nameIn{name, dom}, err
}

// direct calls f with each role name holds directly in dom, its
// membership's first, each once, until f returns false; it reports
// whether f always returned true. The two layers are independent: a link
// casbin adds that repeats a membership is kept, and outlasts the
// membership. Callers hold r.mu.
func (r *roleLinks) direct(name, dom string, f func(role string) bool) bool {
	held := ""
	if m, ok := memberOf(name, dom); ok {
		if role, ok := r.members[m]; ok {
			if !f(role) {
				return false
			}
			held = role
		}
	}
	for _, role := range r.roles[nameIn{name, dom}] {
		if role != held && !f(role) {
			return false
		}
	}
	return true
}

// holdsDirectly reports whether name holds role directly in dom. Callers
// hold r.mu.
func (r *roleLinks) holdsDirectly(name, role, dom string) bool {
	return !r.direct(name, dom, func(have string) bool { return have != role })
}

// holdsAny reports whether name holds any role directly in dom. Callers
// hold r.mu.
func (r *roleLinks) holdsAny(name, dom string) bool {
	return !r.direct(name, dom, func(string) bool { return false })
}

// Clear removes every link casbin added; the memberships stay (the
// enforcer replaces them, setMembers).
func (r *roleLinks) Clear() error {
	r.mu.Lock()
	r.roles = map[nameIn][]string{}
	r.mu.Unlock()
	return nil
}

// AddLink makes name1 hold role name2 in the domain.
func (r *roleLinks) AddLink(name1, name2 string, domain ...string) error {
	k, err := linkOf(name1, domain)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if slices.Contains(r.roles[k], name2) {
		return nil
	}
	r.roles[k] = append(r.roles[k], name2)
	return nil
}

// BuildRelationship is AddLink (casbin keeps it for old callers).
func (r *roleLinks) BuildRelationship(name1, name2 string, domain ...string) error {
	return r.AddLink(name1, name2, domain...)
}

// DeleteLink makes name1 no longer hold role name2 in the domain.
func (r *roleLinks) DeleteLink(name1, name2 string, domain ...string) error {
	k, err := linkOf(name1, domain)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if m, ok := memberOf(k.name, k.dom); ok && r.members[m] == name2 {
		delete(r.members, m)
	}
	kept := r.roles[k][:0]
	for _, have := range r.roles[k] {
		if have != name2 {
			kept = append(kept, have)
		}
	}
	if len(kept) == 0 {
		delete(r.roles, k)
	} else {
		r.roles[k] = kept
	}
	return nil
}

// HasLink reports whether name1 holds name2 in the domain, directly or
// through roles it holds (every name holds itself).
func (r *roleLinks) HasLink(name1, name2 string, domain ...string) (bool, error) {
	if name1 == name2 {
		return true, nil
	}
	dom, err := oneDomain(domain)
	if err != nil {
		return false, err
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.holdsDirectly(name1, name2, dom) {
		return true, nil
	}
	// Inherited, only where a role held holds roles itself (never in
	// Samvirke's memberships, so the common question allocates nothing).
	inherits := !r.direct(name1, dom, func(role string) bool { return !r.holdsAny(role, dom) })
	if !inherits {
		return false, nil
	}
	found := false
	r.walk(name1, dom, func(have string) bool {
		found = have == name2
		return !found
	})
	return found, nil
}

// walk calls f with each role name holds in dom, directly first, then
// inherited, at most maxHierarchy links deep, until f returns false.
// Callers hold r.mu.
func (r *roleLinks) walk(name, dom string, f func(role string) bool) {
	seen := map[string]bool{name: true}
	level := []string{name}
	for depth := 0; depth < maxHierarchy && len(level) > 0; depth++ {
		var next []string
		for _, n := range level {
			if !r.direct(n, dom, func(role string) bool {
				if seen[role] {
					return true
				}
				seen[role] = true
				next = append(next, role)
				return f(role)
			}) {
				return
			}
		}
		level = next
	}
}

// inDomain answers f's names in the one domain asked, sorted, under the
// read lock.
func (r *roleLinks) inDomain(domain []string, f func(dom string) []string) ([]string, error) {
	dom, err := oneDomain(domain)
	if err != nil {
		return nil, err
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := f(dom)
	sort.Strings(out)
	return out, nil
}

// names calls f with every (name, domain) that holds a role directly,
// each once. Callers hold r.mu.
func (r *roleLinks) names(f func(name, dom string)) {
	for m := range r.members {
		f(userSub(m.user), orgDom(m.org))
	}
	for k := range r.roles {
		if m, ok := memberOf(k.name, k.dom); ok {
			if _, ok := r.members[m]; ok {
				continue // named above
			}
		}
		f(k.name, k.dom)
	}
}

// holders are the names in dom that hold role, directly or (inherited)
// through other roles.
func (r *roleLinks) holders(dom, role string, inherited bool) []string {
	var out []string
	r.names(func(name, d string) {
		if d != dom {
			return
		}
		holds := r.holdsDirectly(name, role, dom)
		if !holds && inherited {
			r.walk(name, dom, func(have string) bool {
				holds = have == role
				return !holds
			})
		}
		if holds {
			out = append(out, name)
		}
	})
	return out
}

// GetRoles returns the roles name holds directly in the domain.
func (r *roleLinks) GetRoles(name string, domain ...string) ([]string, error) {
	return r.inDomain(domain, func(dom string) []string {
		var out []string
		r.direct(name, dom, func(role string) bool {
			out = append(out, role)
			return true
		})
		return out
	})
}

// GetUsers returns the names that hold role directly in the domain.
func (r *roleLinks) GetUsers(role string, domain ...string) ([]string, error) {
	return r.inDomain(domain, func(dom string) []string { return r.holders(dom, role, false) })
}

// GetImplicitRoles returns the roles name holds in the domain, directly or
// inherited.
func (r *roleLinks) GetImplicitRoles(name string, domain ...string) ([]string, error) {
	return r.inDomain(domain, func(dom string) []string {
		var out []string
		r.walk(name, dom, func(role string) bool {
			out = append(out, role)
			return true
		})
		return out
	})
}

// GetImplicitUsers returns the names that hold role in the domain,
// directly or inherited.
func (r *roleLinks) GetImplicitUsers(role string, domain ...string) ([]string, error) {
	return r.inDomain(domain, func(dom string) []string { return r.holders(dom, role, true) })
}

// domains answers the distinct domains of the (name, domain)s that keep
// answers true for, sorted.
func (r *roleLinks) domains(keep func(name string) bool) []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	seen := map[string]bool{}
	var out []string
	r.names(func(name, dom string) {
		if keep(name) && !seen[dom] {
			seen[dom] = true
			out = append(out, dom)
		}
	})
	sort.Strings(out)
	return out
}

// GetDomains returns the domains name holds a role in.
func (r *roleLinks) GetDomains(name string) ([]string, error) {
	return r.domains(func(n string) bool { return n == name }), nil
}

// GetAllDomains returns every domain with a link.
func (r *roleLinks) GetAllDomains() ([]string, error) {
	return r.domains(func(string) bool { return true }), nil
}

// DeleteDomain removes every link in the domain.
func (r *roleLinks) DeleteDomain(domain string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for k := range r.roles {
		if k.dom == domain {
			delete(r.roles, k)
		}
	}
	if o, ok := numberAfter(domain, "org:"); ok {
		for m := range r.members {
			if m.org == o {
				delete(r.members, m)
			}
		}
	}
	return nil
}

// PrintRoles does nothing: the links are the memberships table.
func (r *roleLinks) PrintRoles() error { return nil }

// SetLogger does nothing: roleLinks logs nothing.
func (r *roleLinks) SetLogger(log.Logger) {}

// Match matches exactly: Samvirke's policy has no patterns.
func (r *roleLinks) Match(str, pattern string) bool { return str == pattern }

// AddMatchingFunc and AddDomainMatchingFunc are not used: names and
// domains match exactly (see New, which never calls them).
func (r *roleLinks) AddMatchingFunc(string, rbac.MatchingFunc)       {}
func (r *roleLinks) AddDomainMatchingFunc(string, rbac.MatchingFunc) {}
