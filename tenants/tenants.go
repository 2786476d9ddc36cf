// Package tenants embeds the organisation definitions of this directory, so
// the binary can load the demo tenants wherever it runs.
package tenants

import "embed"

// FS holds every *.yaml file of this directory: the organisations.
//
//go:embed *.yaml
var FS embed.FS

// Workbooks holds the demo workbook templates (workbooks/*.yaml) and the
// filled-in chapters municipalities import into them (workbooks/*.txt).
//
//go:embed workbooks
var Workbooks embed.FS

// Roles holds the demo organisations' roles and units with the demo users
// who fill them (roles/<slug>.yaml).
//
//go:embed roles
var Roles embed.FS

// Plans holds the demo organisations' action plans (plans/<slug>.yaml).
//
//go:embed plans
var Plans embed.FS

// Councils holds the demo organisations' councils and groups with their
// members, meetings, agendas and minutes (councils/<slug>.yaml).
//
//go:embed councils
var Councils embed.FS

// Indicators holds the national indicator catalogue shipped with the
// product (indicators/*.yaml), loaded on every start.
//
//go:embed indicators
var Indicators embed.FS
