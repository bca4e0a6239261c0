// The trace types TSI's pages draw (scatter is part of the core); tsi_site.web.plotly_static
// lists the same set.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/box'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/histogram'),
    require('plotly.js/lib/violin'),
]);

module.exports = Plotly;
