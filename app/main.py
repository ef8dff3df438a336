"""Thin entry for ``streamlit run app/main.py -- --project P.db`` from a checkout.

The app itself lives in the installed package (``udsatte_nlp/app/``), so
``udsatte-nlp app --project P.db`` finds it after any kind of install.
"""

from udsatte_nlp.app.main import main

main()
