package authz

import (
	"errors"
	"slices"
	"sort"
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
// set, built again on every reload. The same links as a set of
// (name, domain) → roles take a tenth of that. Names and domains match
// exactly: Samvirke's policy uses no patterns.
type roleLinks struct {
	mu    sync.RWMutex
	roles map[nameIn][]string
}

// nameIn is a user (or role) in a domain.
type nameIn struct{ name, dom string }

var _ rbac.RoleManager = (*roleLinks)(nil)

var errOneDomain = errors.New("authz: a role link is in exactly one domain")

func newRoleLinks() *roleLinks { return &roleLinks{roles: map[nameIn][]string{}} }

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

// Clear removes every link.
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
	for _, have := range r.roles[k] {
		if have == name2 {
			return nil
		}
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
	direct := r.roles[nameIn{name1, dom}]
	for _, role := range direct {
		if role == name2 {
			return true, nil
		}
	}
	// Inherited, only where a role held holds roles itself (never in
	// Samvirke's memberships, so the common question allocates nothing).
	for _, role := range direct {
		if _, ok := r.roles[nameIn{role, dom}]; ok {
			found := false
			r.walk(name1, dom, func(have string) bool {
				found = have == name2
				return !found
			})
			return found, nil
		}
	}
	return false, nil
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
			for _, role := range r.roles[nameIn{n, dom}] {
				if seen[role] {
					continue
				}
				seen[role] = true
				if !f(role) {
					return
				}
				next = append(next, role)
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

// holders are the names in dom that hold role, directly or (inherited)
// through other roles.
func (r *roleLinks) holders(dom, role string, inherited bool) []string {
	var out []string
	for k, roles := range r.roles {
		if k.dom != dom {
			continue
		}
		holds := slices.Contains(roles, role)
		if !holds && inherited {
			r.walk(k.name, dom, func(have string) bool {
				holds = have == role
				return !holds
			})
		}
		if holds {
			out = append(out, k.name)
		}
	}
	return out
}

// GetRoles returns the roles name holds directly in the domain.
func (r *roleLinks) GetRoles(name string, domain ...string) ([]string, error) {
	return r.inDomain(domain, func(dom string) []string { return slices.Clone(r.roles[nameIn{name, dom}]) })
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

// GetDomains returns the domains name holds a role in.
func (r *roleLinks) GetDomains(name string) ([]string, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []string
	for k := range r.roles {
		if k.name == name {
			out = append(out, k.dom)
		}
	}
	sort.Strings(out)
	return out, nil
}

// GetAllDomains returns every domain with a link.
func (r *roleLinks) GetAllDomains() ([]string, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	seen := map[string]bool{}
	var out []string
	for k := range r.roles {
		if !seen[k.dom] {
			seen[k.dom] = true
			out = append(out, k.dom)
		}
	}
	sort.Strings(out)
	return out, nil
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
