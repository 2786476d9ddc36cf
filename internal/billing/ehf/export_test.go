package ehf

// The amount arithmetic, for the tests of package ehf_test.
var (
	FormatAmount  = formatAmount
	FormatPercent = formatPercent
	VATAmount     = vatAmount
)
