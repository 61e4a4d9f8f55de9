"""Publishing for listeners: the show's RSS feed (`feed`), its web page (`page`) and a preview
server (`serve`), all working from the folder `kit render` writes into."""
