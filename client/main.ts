import './app/lc-app';
