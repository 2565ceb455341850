"""The MIME types coursekit writes into notebook outputs and reads back from them.

Kept here, free of imports, so that the page exporter can name them without importing
plotly, and the plots that write them and the exporter that reads them cannot drift apart.

>>> PLOTLY_MIME
'application/vnd.plotly.v1+json'
"""

PLOTLY_MIME = "application/vnd.plotly.v1+json"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"
