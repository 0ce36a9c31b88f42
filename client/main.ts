import './global.css';
import './app/lc-app';
