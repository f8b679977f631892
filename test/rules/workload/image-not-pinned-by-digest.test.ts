import { ruleTester } from '../../helpers/rule-tester.js';
import cases from './image-not-pinned-by-digest.cases.js';

ruleTester(cases.rule, cases);
