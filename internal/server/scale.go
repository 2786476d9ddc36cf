package server

import (
	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/plan"
	"github.com/samvirke/samvirke/internal/scale"
	"github.com/samvirke/samvirke/internal/survey"
	"github.com/samvirke/samvirke/internal/workbook"
)

// ScaleSlices are the capabilities' parts of the scale data set (`samvirke
// dev gen-scale`), made in this order after its core of organisations,
// networks and users: one line per capability.
func ScaleSlices() []scale.Slice {
	return []scale.Slice{
		workbook.Scale{},
		plan.Scale{},
		council.Scale{},
		indicator.Scale{},
		survey.Scale{},
	}
}
