// Importing this module registers every op's rule exactly once.
import './structural';
import './elementwise';
import './linalg';
import './reduce';
import './softmax';
import './losses';
