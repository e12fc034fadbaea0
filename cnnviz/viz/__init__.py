"""Plotly figure builders: engine results in, figures (plain dicts) out. No Streamlit here."""
