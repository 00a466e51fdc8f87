"""The imx language server (``imx lsp``): editor requests over stdio in → diagnostics and edits out.

A workspace folder's ``.imx`` files (with the unsaved texts of open editors) are loaded and
checked by the same stages as ``imx check``, so an editor shows the same codes, spans, hints and
fixes. ``workspace`` keeps the parsed files and the last check, ``index`` finds every declaration
and use of a name, ``navigate`` answers hover, definition, references, rename and outline,
``edit`` completion, formatting and code actions, and ``server`` wires them to pygls.
"""
