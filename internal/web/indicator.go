package web

import (
	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/org"
)

// NavIndicators leads to the indicators: a municipality's figures and
// benchmarks, a network's or county's comparison of its members.
var NavIndicators = NavEntry{Key: "indicators", Label: "indicator.title.plural", Path: orgPath("/indicators"), Order: 40,
	Kinds: []string{org.KindMunicipality, org.KindNetwork, org.KindCounty}}

// indicatorParam reads the :code path parameter.
func indicatorParam(c *gin.Context) string { return c.Param("code") }
